-- Which optional characteristics (contract v2) the data has any value of, and whether any
-- follow-up is in: an indicator that needs one of them is "not collected" without, never zero.
select
    count(disability) as disability,
    count(third_country_national) as third_country_national,
    count(foreign_background) as foreign_background,
    count(minority) as minority,
    count(homeless) as homeless,
    count(rural) as rural,
    (select count(*) from followups) as followups
from participants
