package namedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Rewind undoes every block after height h, so the database is exactly as
// it was after block h was applied (h = FirstBlock-1 empties it). Names and
// namespaces are restored from their history; preorders, the whitelist and
// the operation logs are keyed by height.
func (db *DB) Rewind(ctx context.Context, h int64) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if h < db.net.FirstBlock-1 {
		return fmt.Errorf("rewind to %d: before the first block %d", h, db.net.FirstBlock)
	}
	tip := db.net.FirstBlock - 1 + int64(len(db.chs))
	if h >= tip {
		return nil
	}
	tx, err := db.wr.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	restored, err := rewindNames(ctx, tx, h)
	if err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	if err := rewindNamespaces(ctx, tx, h); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	var whitelistRows int64
	for _, q := range []string{
		`DELETE FROM preorders WHERE block_number > ?`,
		`UPDATE preorders SET consumed = NULL WHERE consumed > ?`,
		`DELETE FROM whitelist WHERE height > ?`,
		`DELETE FROM ops WHERE height > ?`,
		`DELETE FROM rejections WHERE height > ?`,
		`DELETE FROM blocks WHERE height > ?`,
	} {
		r, err := tx.ExecContext(ctx, q, h)
		if err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
		if q == `DELETE FROM whitelist WHERE height > ?` {
			whitelistRows, _ = r.RowsAffected()
		}
	}
	var hash []byte
	err = tx.QueryRowContext(ctx, `SELECT hash FROM blocks WHERE height = ?`, h).Scan(&hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	db.gen++
	db.chs = db.chs[:h-db.net.FirstBlock+1]
	db.tipHash = [32]byte{}
	copy(db.tipHash[:], hash)
	for name, r := range restored {
		db.cache.drop(name)
		if r == nil {
			db.idx.remove(name)
		} else {
			db.idx.put(name, entryOf(r))
		}
	}
	// Namespaces, pending preorders and the whitelist set are reloaded
	// whole: rewinds are rare and short.
	if err := db.loadNamespaces(ctx, db.wr); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	if err := db.idx.loadPreorders(ctx, db.wr); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	if whitelistRows > 0 {
		if err := db.idx.loadWhitelist(ctx, db.wr); err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
	}
	if whitelistRows > 0 {
		close(db.whitelistChanged)
		db.whitelistChanged = make(chan struct{})
	}
	return nil
}

// rewindNames drops the history written after h and puts each touched name
// back to its newest remaining state (or removes it). It returns the
// touched names with their restored records (nil: removed).
func rewindNames(ctx context.Context, tx *sql.Tx, h int64) (map[string]*NameRecord, error) {
	names, err := distinct(ctx, tx, `SELECT DISTINCT name FROM name_history WHERE written > ?`, h)
	if err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM name_history WHERE written > ?`, h); err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	restored := make(map[string]*NameRecord, len(names))
	for _, name := range names {
		var b []byte
		err := tx.QueryRowContext(ctx, `SELECT record FROM name_history WHERE name = ? AND state = 1
			ORDER BY height DESC, vtxindex DESC LIMIT 1`, name).Scan(&b)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM names WHERE name = ?`, name); err != nil {
				return nil, fmt.Errorf("names: %w", err)
			}
			restored[name] = nil
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("names: %w", err)
		}
		s, err := decodeName(b)
		if err != nil {
			return nil, err
		}
		r := s.NameRecord
		restored[name] = r
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO names
			(name, namespace_id, owner, address, name_hash128, first_registered, last_renewed, revoked, record)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Name, r.NamespaceID, []byte(r.Sender), r.Address, r.NameHash128[:], r.FirstRegistered, r.LastRenewed, r.Revoked, b); err != nil {
			return nil, fmt.Errorf("names: %w", err)
		}
	}
	return restored, nil
}

func rewindNamespaces(ctx context.Context, tx *sql.Tx, h int64) error {
	ids, err := distinct(ctx, tx, `SELECT DISTINCT namespace_id FROM namespace_history WHERE height > ?`, h)
	if err != nil {
		return fmt.Errorf("namespaces: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM namespace_history WHERE height > ?`, h); err != nil {
		return fmt.Errorf("namespaces: %w", err)
	}
	for _, id := range ids {
		var b []byte
		err := tx.QueryRowContext(ctx, `SELECT record FROM namespace_history WHERE namespace_id = ?
			ORDER BY id DESC LIMIT 1`, id).Scan(&b)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM namespaces WHERE namespace_id = ?`, id); err != nil {
				return fmt.Errorf("namespaces: %w", err)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("namespaces: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO namespaces (namespace_id, record) VALUES (?, ?)`, id, b); err != nil {
			return fmt.Errorf("namespaces: %w", err)
		}
	}
	return nil
}

func distinct(ctx context.Context, tx *sql.Tx, q string, h int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, h)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
