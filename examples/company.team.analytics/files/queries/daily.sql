SELECT date_trunc('day', created_at) AS day, sum(amount) AS revenue
FROM clean.orders
GROUP BY 1
ORDER BY 1
