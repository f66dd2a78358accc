-- The payment periods of the plan, in order.
select period_id, start_date, end_date from payment_periods order by start_date
