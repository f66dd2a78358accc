-- The payment periods of plan version $version, in order.
select period_id, start_date, end_date from payment_periods where version = $version order by start_date
