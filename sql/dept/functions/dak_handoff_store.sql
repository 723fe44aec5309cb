-- dak_handoff_store: keeps the hand-off daftar signed (a compact JWS) on
-- the exchange row of a letter this department acknowledged, once; returns
-- the receipt with it.
CREATE OR REPLACE FUNCTION {schema}.dak_handoff_store(p_id uuid, p_jws text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e daftar.dak_exchange;
BEGIN
    UPDATE daftar.dak_exchange x SET handoff = p_jws
    WHERE x.id = p_id AND x.recipient = (SELECT k.code FROM daftar.dept_key k) AND x.acknowledged_at IS NOT NULL
      AND x.handoff IS NULL
    RETURNING * INTO e;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'This letter is acknowledged already.' USING ERRCODE = 'DF409';
    END IF;
    RETURN json_build_object('receipt', (SELECT {schema}.receipt_json(x) FROM {schema}.receipts x WHERE x.id = e.receipt_id),
                             'handoff', e.handoff);
END
$$;
