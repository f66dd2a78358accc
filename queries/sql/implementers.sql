select implementer_id, name, area, role from implementers order by role desc, area
