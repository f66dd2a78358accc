-- Each implementer's net budget per year and the first and last day of that year inside the project
-- period (plan version $version): what the planned-to-date rule (schema.sql's planned_to) spreads over the days.
select implementer_id, year, net_eur::double as net_eur, first_day, last_day
from budget_years
where version = $version
order by implementer_id, year
