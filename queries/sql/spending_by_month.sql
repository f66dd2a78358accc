-- Actual cost per implementer, month and category up to $as_of, the computed flat rate included
-- as its own category and revenue kept positive (it is subtracted when netting).
with

period as (
    select flat_rate from project
),

booked as (
    select implementer_id, date_trunc('month', day)::date as month, cost_category, sum(amount_eur)::double as amount_eur
    from spending_to($as_of::date)
    where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
    group by all
),

flat as (
    select implementer_id, month, 'flat_rate' as cost_category, amount_eur * period.flat_rate as amount_eur
    from booked, period
    where cost_category = 'salaries'
),

final as (
    select * from booked
    union all
    select * from flat
)

select * from final order by implementer_id, month, cost_category
