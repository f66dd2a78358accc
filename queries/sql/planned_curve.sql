-- The planned cumulative net cost of each implementer in scope at the project start, at every
-- month end of the period and at the end date: the contract's planned-to-date rule, day by day, in
-- plan version $version (its budget and its end date).
with

period as (
    select p.start_date, v.end_date from project p, plan_versions v where v.version = $version
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

final as (
    select
        b.implementer_id,
        d.day::date as day,
        sum(planned_to(b.net_eur, b.first_day, b.last_day, d.day::date))::double as planned_eur
    from budget_years b, days d, period
    where d.day::date <= period.end_date
      and b.version = $version
      and implementer_in_scope(b.implementer_id, $implementer, $region, $municipalities)
    group by b.implementer_id, d.day
)

select * from final order by implementer_id, day
