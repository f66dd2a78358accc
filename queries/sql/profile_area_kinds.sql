-- The (area × $kinds + kind) cells of profile_states (derived.sql) that a region ($area = 'region')
-- or municipality ('town') filter reads, ascending: read once per data set.
select distinct case $area when 'region' then in_region else in_town end::bigint * $kinds + kind as cell
from scratch.profile_states
where case $area when 'region' then in_region is not null else in_town is not null end
order by cell
