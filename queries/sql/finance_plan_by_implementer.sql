-- Net budget and planned-to-date of each implementer in scope, in the order the pages list them.
-- Planned-to-date: each year's net budget is spread evenly over the days of that year inside the
-- project period and summed up to and including $as_of. What was spent is added from the running
-- totals of queries/spending.py.
with

scoped_implementers as (
    select implementer_id, name, area, role
    from implementers
    where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
),

planned as (
    select
        implementer_id,
        sum(net_eur) as budget_eur,
        sum(planned_to(net_eur, first_day, last_day, $as_of::date)) as planned_to_date_eur
    from budget_years
    group by implementer_id
),

final as (
    select
        i.implementer_id,
        i.name,
        i.area,
        i.role,
        coalesce(p.budget_eur, 0)::double as budget_eur,
        coalesce(p.planned_to_date_eur, 0)::double as planned_to_date_eur
    from scoped_implementers i
    left join planned p using (implementer_id)
)

select * from final
order by role desc, implementer_id
