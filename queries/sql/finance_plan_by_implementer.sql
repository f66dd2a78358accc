-- Net budget of each implementer in scope (plan version $version), in the order the pages list them. Planned-to-date (from
-- budget_year_days.sql) and what was spent (from the running totals of queries/spending.py) are added
-- in queries/summary.py.
with

scoped_implementers as (
    select implementer_id, name, area, role
    from implementers
    where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
),

planned as (
    select implementer_id, sum(net_eur) as budget_eur
    from budget_years
    where version = $version
    group by implementer_id
),

final as (
    select
        i.implementer_id,
        i.name,
        i.area,
        i.role,
        coalesce(p.budget_eur, 0)::double as budget_eur
    from scoped_implementers i
    left join planned p using (implementer_id)
)

select * from final
order by role desc, implementer_id
