-- Net actual cost per implementer and calendar year up to $as_of, flat rate included.
with

period as (
    select flat_rate from project
),

final as (
    select
        implementer_id,
        year(date) as year,
        sum(case
                when cost_category = 'revenue' then -amount_eur
                when cost_category = 'salaries' then amount_eur * (1 + period.flat_rate)
                else amount_eur
            end)::double as net_eur
    from spending, period
    where date <= $as_of::date
      and implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
    group by all
)

select * from final order by implementer_id, year
