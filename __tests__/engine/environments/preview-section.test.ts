/** The comment's Preview section (docs/environments.md#previews): one, replaced in place, before the run link. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  previewRemovedSection,
  previewSection,
  upsertPreviewSection
} from '../../../src/engine/environments/preview-section.js'
import { runLine } from '../../../src/model/markdown/comment-markers.js'

const body = fc
  .array(
    fc.constantFrom(
      '## Kestra plan',
      '',
      'text',
      '```diff',
      '+a',
      '```',
      '<details>',
      '</details>'
    ),
    {
      maxLength: 12
    }
  )
  .map((lines) => lines.join('\n'))

describe('the Preview section', () => {
  it('is put once, replaced in place, keeps the rest of the comment and the run link last', () => {
    const run = runLine('https://github.com/o/r/actions/runs/1')
    fc.assert(
      fc.property(body, fc.boolean(), (text, withRun) => {
        const comment = withRun ? `${text}\n\n${run}` : text
        const first = upsertPreviewSection(comment, '### Preview\n\nfirst')
        const second = upsertPreviewSection(first, previewRemovedSection(['pr-7.a'], 3))
        expect(second.match(/### Preview/g)).toHaveLength(1)
        expect(second).toContain('Preview removed: 3 resource(s)')
        expect(second).not.toContain('first')
        expect(upsertPreviewSection(second, previewRemovedSection(['pr-7.a'], 3))).toBe(second)
        if (withRun) expect(second.split('\n').at(-1)).toBe(run)
        expect(second.startsWith(text.replace(/\n+$/, ''))).toBe(true)
      })
    )
  })

  it('links each preview namespace and escapes what the server said', () => {
    const section = previewSection({
      commit: 'c'.repeat(40),
      links: [{ namespace: 'pr-7.a', url: 'https://k.example/ui/main/namespaces/edit/pr-7.a' }],
      receipt: '',
      failure: 'boom <script> | @team'
    })
    expect(section).toContain('[pr-7.a](https://k.example/ui/main/namespaces/edit/pr-7.a)')
    expect(section).not.toContain('<script>')
    expect(section).not.toContain('@team')
  })
})
