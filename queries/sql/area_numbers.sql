-- Municipalities and regions by their numbers in profile_states (derived.sql).
select municipality, region, town_number, region_number from scratch.area_numbers order by town_number
