-- Where a dispute's picket lines are: places with an address, the times people should come and
-- an optional map link, edited by organisers and shown on the public campaign page. Places
-- only: no people (picket shifts and sign-ups are a later table).

CREATE TABLE picket_locations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    place       TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    times       TEXT    NOT NULL,
    map_url     TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX picket_locations_dispute ON picket_locations (branch_id, dispute_id);
