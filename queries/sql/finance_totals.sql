-- The whole project's net budget, whatever the filters: the base of budget shares
-- (plan version $version).
select sum(case when cost_category = 'revenue' then -amount_eur else amount_eur end)::double as budget_eur
from budget
where version = $version
