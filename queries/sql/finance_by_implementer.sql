-- Net budget, planned-to-date, actual cost by category and the recent net spend of each
-- implementer in scope. Planned-to-date: each year's net budget is spread evenly over the days of
-- that year inside the project period and summed up to and including $as_of.
-- Params: $as_of, $window_start (run-rate window is (window_start, as_of]), scope filters.
with

period as (
    select start_date, end_date, flat_rate from project
),

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

booked as (
    select
        implementer_id,
        coalesce(sum(amount_eur) filter (where cost_category = 'salaries'), 0) as salaries_eur,
        coalesce(sum(amount_eur) filter (where cost_category = 'purchased_services'), 0) as purchased_services_eur,
        coalesce(sum(amount_eur) filter (where cost_category = 'other_costs'), 0) as other_costs_eur,
        coalesce(sum(amount_eur) filter (where cost_category = 'revenue'), 0) as revenue_eur
    from spending_to($as_of::date)
    group by implementer_id
),

recent as (
    select
        implementer_id,
        coalesce(sum(amount_eur) filter (where cost_category = 'salaries'), 0) as window_salaries_eur,
        coalesce(sum(net_cost(cost_category, amount_eur, 0)) filter (where cost_category <> 'salaries'), 0)
            as window_other_net_eur
    from spending_daily
    where day > $window_start::date and day <= $as_of::date
    group by implementer_id
),

final as (
    select
        i.implementer_id,
        i.name,
        i.area,
        i.role,
        coalesce(p.budget_eur, 0)::double as budget_eur,
        coalesce(p.planned_to_date_eur, 0)::double as planned_to_date_eur,
        coalesce(b.salaries_eur, 0)::double as salaries_eur,
        coalesce(b.purchased_services_eur, 0)::double as purchased_services_eur,
        coalesce(b.other_costs_eur, 0)::double as other_costs_eur,
        round(coalesce(b.salaries_eur, 0) * period.flat_rate, 2) as flat_rate_eur,
        coalesce(b.revenue_eur, 0)::double as revenue_eur,
        (coalesce(r.window_salaries_eur, 0) * (1 + period.flat_rate)
            + coalesce(r.window_other_net_eur, 0))::double as window_net_eur
    from scoped_implementers i
    cross join period
    left join planned p using (implementer_id)
    left join booked b using (implementer_id)
    left join recent r using (implementer_id)
)

select
    *,
    salaries_eur + purchased_services_eur + other_costs_eur + flat_rate_eur - revenue_eur as spent_eur
from final
order by role desc, implementer_id
