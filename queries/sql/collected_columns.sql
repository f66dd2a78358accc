-- Which optional characteristics (contract v2) the data has any value of, and whether any
-- follow-up is in: an indicator that needs one of them is "not collected" without, never zero.
select
    (select count(disability) from participants) as disability,
    (select count(third_country_national) from participants) as third_country_national,
    (select count(foreign_background) from participants) as foreign_background,
    (select count(minority) from participants) as minority,
    (select count(homeless) from participants) as homeless,
    (select count(rural) from participants) as rural,
    (select count(*) from followups) as followups
