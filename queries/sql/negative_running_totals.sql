-- Corrections (negative bookings) after which their category's running total, in booking order,
-- is below zero: a refund or reversal larger than what had been booked.
with

ordered as (
    select
        date,
        implementer_id,
        cost_category,
        amount_eur::double as amount_eur,
        voucher_id,
        sum(amount_eur) over (
            partition by implementer_id, cost_category
            order by date, amount_eur desc
            rows between unbounded preceding and current row
        )::double as running_eur
    from spending
    where date <= $as_of::date
      and implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
),

final as (
    select * from ordered where amount_eur < 0 and running_eur < 0
)

select * from final order by date, implementer_id
