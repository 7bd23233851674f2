package namedb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// This file reads and writes the tables of schema.go inside one block's
// transaction. The rules never touch SQL directly.

func decodeName(b []byte) (*storedName, error) {
	s := &storedName{NameRecord: &NameRecord{}}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("decode name record: %w", err)
	}
	return s, nil
}

func decodeNamespace(b []byte) (*storedNamespace, error) {
	s := &storedNamespace{Namespace: &Namespace{}}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("decode namespace record: %w", err)
	}
	return s, nil
}

func decodePreorder(b []byte) (*PreorderRecord, error) {
	p := &PreorderRecord{}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("decode preorder record: %w", err)
	}
	return p, nil
}

// nameRow is the part of a name row the rules filter on, without decoding
// the record.
type nameRow struct {
	name            string
	namespaceID     string
	firstRegistered int64
	lastRenewed     int64
	revoked         bool
}

// getName returns the stored record of name, expired or not; nil if the
// name was never created.
func getName(ctx context.Context, q queryer, name string) (*storedName, error) {
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT record FROM names WHERE name = ?`, name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read name %s: %w", name, err)
	}
	return decodeName(b)
}

func scanNameRows(rows *sql.Rows) ([]nameRow, error) {
	defer rows.Close()
	var out []nameRow
	for rows.Next() {
		var r nameRow
		if err := rows.Scan(&r.name, &r.namespaceID, &r.firstRegistered, &r.lastRenewed, &r.revoked); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const nameRowColumns = `name, namespace_id, first_registered, last_renewed, revoked`

// namesOfOwner returns the unrevoked names whose owner script is owner.
func namesOfOwner(ctx context.Context, q queryer, owner []byte) ([]nameRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+nameRowColumns+` FROM names WHERE owner = ? AND revoked = 0 ORDER BY name`, owner)
	if err != nil {
		return nil, fmt.Errorf("names of owner: %w", err)
	}
	out, err := scanNameRows(rows)
	if err != nil {
		return nil, fmt.Errorf("names of owner: %w", err)
	}
	return out, nil
}

// namesByHash128 returns the unrevoked names whose name_hash128 is h.
func namesByHash128(ctx context.Context, q queryer, h []byte) ([]nameRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+nameRowColumns+` FROM names WHERE name_hash128 = ? AND revoked = 0`, h)
	if err != nil {
		return nil, fmt.Errorf("names by hash128: %w", err)
	}
	out, err := scanNameRows(rows)
	if err != nil {
		return nil, fmt.Errorf("names by hash128: %w", err)
	}
	return out, nil
}

// putName writes a name's new record and its history row.
func putName(ctx context.Context, q queryer, s *storedName, height int64) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode name %s: %w", s.Name, err)
	}
	r := s.NameRecord
	if _, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO names
		(name, namespace_id, owner, address, name_hash128, first_registered, last_renewed, revoked, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Name, r.NamespaceID, []byte(r.Sender), r.Address, r.NameHash128[:], r.FirstRegistered, r.LastRenewed, r.Revoked, b); err != nil {
		return fmt.Errorf("write name %s: %w", r.Name, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO name_history (name, height, vtxindex, written, state, record)
		VALUES (?, ?, ?, ?, 1, ?)`, r.Name, height, r.Vtxindex, height, b); err != nil {
		return fmt.Errorf("write history of %s: %w", r.Name, err)
	}
	return nil
}

// putPreorderHistory shows the preorder that led to a registration in the
// name's history, at the preorder's own height.
func putPreorderHistory(ctx context.Context, q queryer, name string, p *PreorderRecord, written int64) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode preorder: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO name_history (name, height, vtxindex, written, state, record)
		VALUES (?, ?, ?, ?, 0, ?)`, name, p.BlockNumber, p.Vtxindex, written, b); err != nil {
		return fmt.Errorf("write history of %s: %w", name, err)
	}
	return nil
}

// pendingPreorder is a preorder row not yet consumed.
type pendingPreorder struct {
	id  int64
	rec *PreorderRecord
}

// getPendingPreorder returns the newest unconsumed preorder with this hash
// (of names, or of namespaces), or nil.
func getPendingPreorder(ctx context.Context, q queryer, hash []byte, namespace bool) (*pendingPreorder, error) {
	var id int64
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT id, record FROM preorders
		WHERE preorder_hash = ? AND namespace = ? AND consumed IS NULL ORDER BY id DESC LIMIT 1`, hash, namespace).Scan(&id, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read preorder: %w", err)
	}
	rec, err := decodePreorder(b)
	if err != nil {
		return nil, err
	}
	rec.Namespace = namespace
	return &pendingPreorder{id: id, rec: rec}, nil
}

func putPreorder(ctx context.Context, q queryer, p *PreorderRecord) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode preorder: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO preorders (preorder_hash, namespace, block_number, record) VALUES (?, ?, ?, ?)`,
		p.PreorderHash[:], p.Namespace, p.BlockNumber, b); err != nil {
		return fmt.Errorf("write preorder: %w", err)
	}
	return nil
}

func consumePreorder(ctx context.Context, q queryer, id, height int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE preorders SET consumed = ? WHERE id = ?`, height, id); err != nil {
		return fmt.Errorf("consume preorder: %w", err)
	}
	return nil
}

func putNamespace(ctx context.Context, q queryer, ns *storedNamespace, height int64) error {
	b, err := json.Marshal(ns)
	if err != nil {
		return fmt.Errorf("encode namespace %s: %w", ns.NamespaceID, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO namespaces (namespace_id, record) VALUES (?, ?)`, ns.NamespaceID, b); err != nil {
		return fmt.Errorf("write namespace %s: %w", ns.NamespaceID, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO namespace_history (namespace_id, height, record) VALUES (?, ?, ?)`,
		ns.NamespaceID, height, b); err != nil {
		return fmt.Errorf("write namespace history %s: %w", ns.NamespaceID, err)
	}
	return nil
}
