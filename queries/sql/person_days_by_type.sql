-- Person-days by day type up to and including $as_of. Under a municipality or region filter, rows
-- without a municipality cannot be placed and are left out.
with

scoped as (
    select day_type, days
    from person_days_to($as_of::date)
    where row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
),

final as (
    select day_type, sum(days) as days
    from scoped
    group by day_type
)

select * from final order by day_type
