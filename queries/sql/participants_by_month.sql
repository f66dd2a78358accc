-- For each month end from the project start to $as_of (and $as_of itself): participants who had
-- entered, and of them those who had left (no entry open that day), per implementer in scope.
-- Counted from events rather than by testing every entry on every day: a person enters on their
-- first start; a person's overlapping or touching entries are merged into spans, and a person is
-- in on day d when a span has started by d and not stopped by d.
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

first_point as (
    select min(day) as day from points
),

implementers_in_scope as (
    select distinct implementer_id
    from entries
    where row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

in_scope as (
    select person, implementer_id, entries_of_person, start_date, coalesce(end_date, date '9999-12-31') as stop
    from entries
    where start_date <= $as_of::date
      and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

-- People with several entries: merge each person's entries into spans (a new span begins when an
-- entry starts after every earlier one has stopped).
again as (
    select
        *,
        max(stop) over (
            partition by person order by start_date, stop rows between unbounded preceding and 1 preceding
        ) as reach
    from in_scope
    where entries_of_person > 1
),

numbered as (
    select *, sum((reach is null or start_date > reach)::int) over (
        partition by person order by start_date, stop rows unbounded preceding
    ) as span
    from again
),

spans as (
    select implementer_id, start_date, stop from in_scope where entries_of_person = 1
    union all
    select implementer_id, min(start_date), max(stop) from numbered group by implementer_id, person, span
),

firsts as (
    select implementer_id, start_date from in_scope where entries_of_person = 1
    union all
    select implementer_id, min(start_date) from again group by implementer_id, person
),

-- Each event counts from the first point on or after its day.
events as (
    select implementer_id, start_date as day, 1 as entered, 0 as started, 0 as stopped from firsts
    union all
    select implementer_id, start_date, 0, 1, 0 from spans
    union all
    select implementer_id, stop, 0, 0, 1 from spans where stop <= $as_of::date
),

bucketed as (
    select
        implementer_id,
        greatest(least(last_day(day), $as_of::date), (select day from first_point)) as day,
        sum(entered) as entered,
        sum(started) as started,
        sum(stopped) as stopped
    from events
    group by all
),

final as (
    select
        p.day,
        i.implementer_id,
        sum(coalesce(b.entered, 0)) over running as entered,
        sum(coalesce(b.started, 0) - coalesce(b.stopped, 0)) over running as active
    from points p
    cross join implementers_in_scope i
    left join bucketed b on b.implementer_id = i.implementer_id and b.day = p.day
    window running as (partition by i.implementer_id order by p.day rows unbounded preceding)
)

select day, implementer_id, entered::bigint as entered, (entered - active)::bigint as has_left
from final
order by implementer_id, day
