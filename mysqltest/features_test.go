package mysqltest

import (
	"testing"

	"github.com/myxdb/myx/mysqltest/proto"
)

func TestFeatures(t *testing.T) {
	maria := &ServerInfo{Version: "5.5.5-10.11.6-MariaDB-0+deb12u1", MariaDB: true,
		Capabilities: proto.ClientSessionTrack | proto.ClientLocalFiles | proto.MariaDBClientStmtBulkOperations}
	maria104 := &ServerInfo{Version: "5.5.5-10.4.30-MariaDB", MariaDB: true}
	tidb := &ServerInfo{Version: "8.0.11-TiDB-v8.4.0-this-is-a-placeholder", Capabilities: proto.ClientLocalFiles | proto.ClientCompress | proto.ClientZstdCompression}
	mysql := &ServerInfo{Version: "8.0.36", Capabilities: proto.ClientSessionTrack | proto.ClientLocalFiles}

	if f := tidb.Flavor(); f != "TiDB" {
		t.Errorf("TiDB flavour %q", f)
	}
	if f := maria.Flavor(); f != "MariaDB" {
		t.Errorf("MariaDB flavour %q", f)
	}
	if f := mysql.Flavor(); f != "MySQL" {
		t.Errorf("MySQL flavour %q", f)
	}
	if ma, mi, pa := maria.versionNumbers(); ma != 10 || mi != 11 || pa != 6 {
		t.Errorf("MariaDB version %d.%d.%d", ma, mi, pa)
	}
	if ma, mi, pa := tidb.versionNumbers(); ma != 8 || mi != 0 || pa != 11 {
		t.Errorf("TiDB version %d.%d.%d", ma, mi, pa)
	}
	for _, c := range []struct {
		f    Feature
		info *ServerInfo
		want bool
	}{
		{SessionTracking, maria, true}, {SessionTracking, mysql, true}, {SessionTracking, tidb, false},
		{BulkExecute, maria, true}, {BulkExecute, mysql, false}, {BulkExecute, tidb, false},
		{LocalInfile, tidb, true},
		{Returning, maria, true}, {Returning, maria104, false}, {Returning, tidb, false}, {Returning, mysql, false},
		{SequenceEngine, maria, true}, {SequenceEngine, tidb, false},
		{ZstdCompression, tidb, true}, {ZstdCompression, maria, false}, {ZlibCompression, tidb, true}, {ZlibCompression, maria104, false},
		{GBKIntroducer, maria, true}, {GBKIntroducer, tidb, false}, {SpatialTypes, mysql, true}, {SpatialTypes, tidb, false},
	} {
		got, why := c.f.Has(c.info)
		if got != c.want || (!got && why == "") {
			t.Errorf("%s on %s: %v (%q), want %v with a reason when false", c.f.Name, c.info.Version, got, why, c.want)
		}
	}
}
