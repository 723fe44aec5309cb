-- filing_heads_list: the department's filing scheme, main heads each followed by its sub-heads, by code.
SELECT json_build_object('items', coalesce(json_agg({schema}.filing_head_json(h)
                                                    ORDER BY coalesce(p.code, h.code), p.code IS NOT NULL, h.code), '[]'))
FROM {schema}.filing_heads h LEFT JOIN {schema}.filing_heads p ON p.id = h.parent_id
