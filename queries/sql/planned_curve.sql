-- The planned cumulative net cost of each implementer in scope at the project start, at every
-- month end of the period and at the end date: the contract's planned-to-date rule, day by day.
with

period as (
    select start_date, end_date from project
),

days as (
    select start_date as day from period
    union
    select unnest(generate_series(date_trunc('month', start_date), end_date, interval 1 month))::date
        + interval 1 month - interval 1 day
    from period
    union
    select end_date from period
),

budget_years as (
    select
        implementer_id,
        year,
        sum(case when cost_category = 'revenue' then -amount_eur else amount_eur end) as net_eur,
        greatest(make_date(year, 1, 1), period.start_date) as first_day,
        least(make_date(year, 12, 31), period.end_date) as last_day
    from budget, period
    where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
    group by implementer_id, year, period.start_date, period.end_date
),

final as (
    select
        b.implementer_id,
        d.day::date as day,
        sum(
            case
                when b.last_day < b.first_day then 0
                else b.net_eur
                    * greatest(0, least(date_diff('day', b.first_day, d.day::date) + 1,
                                        date_diff('day', b.first_day, b.last_day) + 1))
                    / (date_diff('day', b.first_day, b.last_day) + 1)
            end
        )::double as planned_eur
    from budget_years b, days d, period
    where d.day::date <= period.end_date
    group by b.implementer_id, d.day
)

select * from final order by implementer_id, day
