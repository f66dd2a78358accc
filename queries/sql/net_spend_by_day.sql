-- Net cost per implementer and booking day in ($window_start, $as_of], flat rate included:
-- the raw material of the run rate and of its spread.
with

period as (
    select flat_rate from project
),

final as (
    select
        implementer_id,
        day as date,
        sum(net_cost(cost_category, amount_eur, period.flat_rate))::double as net_eur
    from spending_daily, period
    where day > $window_start::date
      and day <= $as_of::date
      and implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
    group by implementer_id, day
)

select * from final order by implementer_id, date
