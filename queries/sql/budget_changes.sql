-- What amendment $version changed in the budget: each implementer's amount per cost category, all
-- years together, before (version $version - 1) and after, where the two differ.
with

totals as (
    select version, implementer_id, cost_category, sum(amount_eur)::double as amount_eur
    from budget
    where version in ($version - 1, $version)
    group by all
),

final as (
    select
        implementer_id,
        cost_category,
        coalesce(sum(amount_eur) filter (where version = $version - 1), 0) as before_eur,
        coalesce(sum(amount_eur) filter (where version = $version), 0) as after_eur
    from totals
    group by all
)

select * from final
where before_eur <> after_eur
order by implementer_id, cost_category
