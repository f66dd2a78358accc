-- Net actual cost per implementer and calendar year up to $as_of, flat rate included.
with

period as (
    select flat_rate from project
),

final as (
    select
        implementer_id,
        year(day) as year,
        sum(net_cost(cost_category, amount_eur, period.flat_rate))::double as net_eur
    from spending_to($as_of::date), period
    where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
    group by all
)

select * from final order by implementer_id, year
