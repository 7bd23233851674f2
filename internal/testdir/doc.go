// Package testdir gives tests folders on a fast filesystem.
package testdir
