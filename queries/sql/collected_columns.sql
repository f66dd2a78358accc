-- Which optional characteristics (contract v2) the data has any value of, and whether any
-- follow-up is in: an indicator that needs one of them is "not collected" without, never zero.
select disability, third_country_national, foreign_background, minority, homeless, rural, followups
from characteristics_collected
