-- Every version of the plan: the original (0) and the plan after each amendment, in decision order.
select version, decided_on, description, end_date, replaced from plan_versions order by version
