SELECT order_id, customer_id, amount
FROM raw.orders
WHERE status <> 'cancelled'
