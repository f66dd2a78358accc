-- For each month end from the project start to $as_of (and $as_of itself): participants who had
-- entered, and of them those who had left (no entry open that day), per implementer in scope.
with

period as (
    select start_date from project
),

days as (
    select unnest(generate_series(date_trunc('month', start_date), $as_of::date, interval 1 month))::date
        + interval 1 month - interval 1 day as day
    from period
),

points as (
    select least(day::date, $as_of::date) as day from days
    union
    select $as_of::date
),

entries as (
    select implementer_id, participant_id, start_date, end_date
    from participants
    where row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

final as (
    select
        p.day,
        e.implementer_id,
        count(distinct e.participant_id) filter (where e.start_date <= p.day) as entered,
        count(distinct e.participant_id) filter (
            where e.start_date <= p.day and (e.end_date is null or e.end_date > p.day)) as active
    from points p cross join entries e
    group by p.day, e.implementer_id
)

select day, implementer_id, entered, entered - active as has_left from final order by implementer_id, day
