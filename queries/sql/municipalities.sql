-- Municipalities of the plan with their region and the implementers serving them (one row each).
select municipality, region, implementer_id from municipalities order by region, municipality, implementer_id
