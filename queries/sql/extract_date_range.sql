-- The first and the latest date found anywhere in the extracts: the latest is the default as-of date.
with

dates as (
    select start_date as day from participants
    union all select end_date from participants where end_date is not null
    union all select date from person_days
    union all select date from spending
),

final as (
    select min(day) as first_date, max(day) as latest_date from dates
)

select * from final
