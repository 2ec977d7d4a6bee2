/** GitHub rejects issue comments longer than this (JavaScript string length). */
export const COMMENT_LIMIT = 65_536
