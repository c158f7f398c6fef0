//! The bad-input corpus, part two: command-line arguments, output folders,
//! `locate` input files and closed pipes, through the binary. Each refused
//! case asserts the exact message, the exit code (2) and that nothing in the
//! case's folder was created or changed (a previous result included).
//! Part one, the scenario files, is `scenario_corpus.rs`.

mod common;

use common::snapshot;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A temp folder holding a copy of the mini scenario (`TMP/mini`).
struct Case {
    tmp: tempfile::TempDir,
}

impl Case {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        common::copy_mini(&tmp.path().join("mini"));
        Case { tmp }
    }

    fn path(&self, name: &str) -> String {
        self.tmp.path().join(name).to_str().unwrap().to_string()
    }

    fn write(&self, name: &str, text: impl AsRef<[u8]>) -> String {
        fs::write(self.tmp.path().join(name), text).unwrap();
        self.path(name)
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_civplan"));
        c.current_dir(env!("CARGO_MANIFEST_DIR")).args(args).env_remove("CIVPLAN_MEMORY_LIMIT_MB");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    /// Stderr with the temp folder shown as `TMP`.
    fn stderr(&self, o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).replace(self.tmp.path().to_str().unwrap(), "TMP")
    }

    /// The command exits 2 with exactly `message` on stderr and changes nothing.
    fn refuses(&self, args: &[&str], env: &[(&str, &str)], message: &str) {
        let before = snapshot(self.tmp.path());
        let o = self.run(args, env);
        assert_eq!(self.stderr(&o), format!("{message}\n"), "{args:?}");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert_eq!(snapshot(self.tmp.path()), before, "{args:?} changed files");
    }

    /// A previous result in `TMP/out` (a real simulate run).
    fn previous_result(&self) -> String {
        let out = self.path("out");
        let o = self.run(&["simulate", &self.path("mini"), "--out", &out, "--quiet"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", self.stderr(&o));
        out
    }
}

fn locate_fixture(name: &str) -> String {
    format!("{FIX}/locate/{name}")
}

// ---------------------------------------------------------------------------
// Draws, stability draws, robust scenarios: 0 and 10^12 are refused alike.

const DRAWS: &str = "a number of draws in [1, 1e6]";

#[test]
fn simulate_with_zero_draws() {
    let c = Case::new();
    let out = c.path("out");
    c.refuses(
        &["simulate", &c.path("mini"), "--draws", "0", "--out", &out],
        &[],
        &format!("error: --draws 0: expected {DRAWS}"),
    );
}

#[test]
fn plan_with_zero_draws_keeps_the_previous_result() {
    let c = Case::new();
    let out = c.previous_result();
    c.refuses(
        &["plan", &c.path("mini"), "--draws", "0", "--out", &out],
        &[],
        &format!("error: --draws 0: expected {DRAWS}"),
    );
}

#[test]
fn plan_with_zero_stability_draws() {
    let c = Case::new();
    let out = c.previous_result();
    c.refuses(
        &["plan", &c.path("mini"), "--stability", "0", "--out", &out],
        &[],
        &format!("error: --stability 0: expected {DRAWS}"),
    );
}

#[test]
fn robust_plan_with_zero_scenarios() {
    let c = Case::new();
    let out = c.previous_result();
    c.refuses(
        &["plan", &c.path("mini"), "--robust", "--scenarios", "0", "--out", &out],
        &[],
        &format!("error: --scenarios 0: expected {DRAWS}"),
    );
}

#[test]
fn ten_to_the_twelve_draws() {
    let c = Case::new();
    let (mini, out) = (c.path("mini"), c.path("out"));
    let e12 = "1000000000000";
    c.refuses(
        &["simulate", &mini, "--draws", e12, "--out", &out],
        &[],
        &format!("error: --draws {e12}: expected {DRAWS}"),
    );
    c.refuses(
        &["plan", &mini, "--stability", e12, "--out", &out],
        &[],
        &format!("error: --stability {e12}: expected {DRAWS}"),
    );
    c.refuses(
        &["plan", &mini, "--robust", "--scenarios", e12, "--out", &out],
        &[],
        &format!("error: --scenarios {e12}: expected {DRAWS}"),
    );
}

#[test]
fn a_simulation_larger_than_the_memory_limit() {
    // 10^6 draws × 4 years × 3 towns × 21 metrics × 4 bytes = 1,008,000,000
    // bytes = 961.3 MiB against 1 MiB; 1,048,576 / 1,008 per draw = 1,040.25.
    let c = Case::new();
    c.refuses(
        &["simulate", &c.path("mini"), "--draws", "1000000", "--out", &c.path("out")],
        &[("CIVPLAN_MEMORY_LIMIT_MB", "1")],
        "error: --draws 1000000: needs about 961.3 MiB of memory (961.3 MiB for 1,000,000 draws × 4 years × 3 towns \
× 21 metrics × 4 bytes), more than the limit of 1.0 MiB (set by CIVPLAN_MEMORY_LIMIT_MB); use --draws 1040 or less",
    );
}

#[test]
fn a_robust_model_larger_than_the_memory_limit() {
    // 3 towns, 4 candidates + 4 facilities + 1 pseudo-site = 9 sites: 4 × 3 ×
    // 10 + 4 × 3 = 132 variables per draw; × 100,001 draws + 8 × 9 = 13,200,204
    // variables × 4,096 bytes + 8 × 3² = 54,068,035,656 bytes (50.4 GiB); the
    // simulation 100,000 × 1,008 = 100,800,000 bytes (96.1 MiB). Per scenario
    // 1,008 + 132 × 4,096 = 541,680 bytes; (104,857,600 − 835,656) / 541,680
    // = 192.03 scenarios fit in 100 MiB.
    let c = Case::new();
    c.refuses(
        &["plan", &c.path("mini"), "--robust", "--scenarios", "100000", "--out", &c.path("out")],
        &[("CIVPLAN_MEMORY_LIMIT_MB", "100")],
        "error: --scenarios 100000: needs about 50.4 GiB of memory (96.1 MiB for 100,000 draws × 4 years × 3 towns × \
21 metrics × 4 bytes + 50.4 GiB for a plan model of about 13,200,204 variables (3 towns × 9 sites × 100,001 draw(s))), \
more than the limit of 100.0 MiB (set by CIVPLAN_MEMORY_LIMIT_MB); use --scenarios 192 or less",
    );
}

// ---------------------------------------------------------------------------
// Other numeric arguments.

#[test]
fn numeric_arguments_out_of_range() {
    let c = Case::new();
    let (mini, out) = (c.path("mini"), c.path("out"));
    for (args, message) in [
        (vec!["plan", &mini, "--time-limit", "0"], "error: --time-limit 0: expected a time in seconds > 0"),
        (vec!["plan", &mini, "--time-limit", "nan"], "error: --time-limit NaN: expected a time in seconds > 0"),
        (
            vec!["plan", &mini, "--time-limit", "1e9"],
            "error: --time-limit 1000000000: expected a time in seconds in [0, 1e7]",
        ),
        (
            vec!["simulate", &mini, "--threads", "100000"],
            "error: --threads 100000: expected a number of threads in [0, 1024]",
        ),
        (vec!["plan", &mini, "--quantile", "1.5"], "error: --quantile 1.5: expected a share in [0, 1]"),
        (
            vec!["plan", &mini, "--travel-weight", "1e308"],
            "error: --travel-weight 1e308: expected an amount in yuan in [0, 1e12]",
        ),
        (
            vec!["plan", &mini, "--robust", "--unmet-penalty-factor=-1"],
            "error: --unmet-penalty-factor -1: expected a factor in [0, 1e6]",
        ),
    ] {
        let args: Vec<&str> = args.into_iter().chain(["--out", &out]).collect();
        c.refuses(&args, &[], message);
    }
}

#[test]
fn locate_arguments_out_of_range() {
    let c = Case::new();
    let (d, s) = (locate_fixture("demand.csv"), locate_fixture("sites.csv"));
    let base = ["locate", "--model", "mclp", "--demand", &d, "--sites", &s, "--p", "1"];
    for (extra, message) in [
        (vec!["--radius", "1e308"], "error: --radius 1e308: expected a cost (distance or time) in [0, 1e9]"),
        (
            vec!["--radius", "3", "--max-cost", "inf"],
            "error: --max-cost inf: expected a cost (distance or time) in [0, 1e9]",
        ),
        (vec!["--radius", "3", "--time-limit", "0"], "error: --time-limit 0: expected a time in seconds > 0"),
        (vec!["--radius", "3", "--threads", "0"], "error: --threads 0: expected at least 1 HiGHS thread"),
    ] {
        let args: Vec<&str> = base.iter().copied().chain(extra).collect();
        c.refuses(&args, &[], message);
    }
}

// ---------------------------------------------------------------------------
// Output folders: only civplan's own are replaced.

const A_FILE: &str =
    "a file is already there; civplan writes a folder and never replaces a file: name a new folder, or move the file";
const FOREIGN: &str = "a folder civplan did not write (it has no .civplan marker and no civplan manifest): name a new or empty folder, or a previous civplan output";

#[test]
fn out_onto_a_file_is_refused_and_the_file_kept() {
    let c = Case::new();
    let notes = c.write("notes.txt", "the planner's own notes\n");
    let mini = c.path("mini");
    let message = format!("error: --out TMP/notes.txt: {A_FILE}");
    c.refuses(&["simulate", &mini, "--out", &notes, "--quiet"], &[], &message);
    c.refuses(&["plan", &mini, "--out", &notes, "--quiet"], &[], &message);
    let (d, s) = (locate_fixture("demand.csv"), locate_fixture("sites.csv"));
    c.refuses(
        &[
            "locate", "--model", "p-median", "--demand", &d, "--sites", &s, "--p", "2", "--format", "csv", "--out",
            &notes,
        ],
        &[],
        &message,
    );
    assert_eq!(fs::read_to_string(&notes).unwrap(), "the planner's own notes\n");
}

#[test]
fn out_onto_a_folder_civplan_did_not_write_is_refused() {
    let c = Case::new();
    fs::create_dir(c.tmp.path().join("photos")).unwrap();
    c.write("photos/a.jpg", "jpeg");
    // A manifest that is not civplan's does not make the folder civplan's.
    c.write("photos/plan.json", r#"{"tool": "another"}"#);
    let (mini, photos) = (c.path("mini"), c.path("photos"));
    let message = format!("error: --out TMP/photos: {FOREIGN}");
    c.refuses(&["simulate", &mini, "--out", &photos], &[], &message);
    c.refuses(&["plan", &mini, "--out", &photos], &[], &message);
    let (d, s) = (locate_fixture("demand.csv"), locate_fixture("sites.csv"));
    c.refuses(
        &[
            "locate", "--model", "p-median", "--demand", &d, "--sites", &s, "--p", "2", "--format", "csv", "--out",
            &photos,
        ],
        &[],
        &message,
    );
}

#[test]
fn out_onto_a_link_is_refused() {
    let c = Case::new();
    let out = c.previous_result();
    let link = c.path("link");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    c.refuses(
        &["simulate", &c.path("mini"), "--out", &link],
        &[],
        "error: --out TMP/link: a symbolic link; name the folder itself",
    );
}

#[test]
fn out_onto_an_empty_folder_or_an_unmarked_civplan_result_is_accepted() {
    let c = Case::new();
    let mini = c.path("mini");
    fs::create_dir(c.tmp.path().join("empty")).unwrap();
    let o = c.run(&["simulate", &mini, "--out", &c.path("empty"), "--quiet"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", c.stderr(&o));
    assert_eq!(
        fs::read_to_string(c.tmp.path().join("empty/.civplan")).unwrap(),
        concat!("civplan ", env!("CARGO_PKG_VERSION"), "\n")
    );
    // A result written before the marker existed: its plan.json manifest says civplan.
    fs::create_dir(c.tmp.path().join("old")).unwrap();
    c.write("old/plan.json", r#"{"manifest": {"tool": "civplan", "version": "0.0.9"}}"#);
    c.write("old/sites.csv", "id\n");
    let o = c.run(&["simulate", &mini, "--out", &c.path("old"), "--quiet"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", c.stderr(&o));
    // simulate merges: the plan's files stay, its own are added.
    assert!(c.tmp.path().join("old/sites.csv").exists() && c.tmp.path().join("old/demand.csv").exists());
}

// ---------------------------------------------------------------------------
// locate input files.

#[test]
fn locate_header_only_files_name_the_file() {
    let c = Case::new();
    let sites = c.write("sites.csv", "id,x,y\n");
    let demand = c.write("demand.csv", "id,weight,x,y\n");
    let (d, s) = (locate_fixture("demand.csv"), locate_fixture("sites.csv"));
    c.refuses(
        &["locate", "--model", "p-median", "--demand", &d, "--sites", &sites, "--p", "1"],
        &[],
        "error: TMP/sites.csv:1: `(rows)`: at least one candidate site (the file has a header only)",
    );
    c.refuses(
        &["locate", "--model", "p-median", "--demand", &demand, "--sites", &s, "--p", "1"],
        &[],
        "error: TMP/demand.csv:1: `(rows)`: at least one demand point (the file has a header only)",
    );
}

#[test]
fn locate_p_dispersion_without_coordinates_names_the_sites_file() {
    let c = Case::new();
    let s = locate_fixture("sites_ids.csv");
    c.refuses(
        &["locate", "--model", "p-dispersion", "--sites", &s, "--p", "2"],
        &[],
        &format!(
            "error: {s}:1: `(header)`: lat/lon or x/y columns: p-dispersion needs the distances between the sites"
        ),
    );
}

/// p-median p = 1 on the fixture's sites and a demand file with one bad row 2.
fn locate_demand_row(c: &Case, header: &str, row: &str, message: &str) {
    let demand = c.write("demand.csv", format!("{header}\n{row}\nb,20,4,0\n"));
    let s = locate_fixture("sites.csv");
    c.refuses(&["locate", "--model", "p-median", "--demand", &demand, "--sites", &s, "--p", "1"], &[], message);
}

#[test]
fn locate_huge_weights_and_coordinates_are_located() {
    let c = Case::new();
    // `a,1e308,0,0`: weight in column 3; `a,10,1e308,0`: x in column 6.
    locate_demand_row(
        &c,
        "id,weight,x,y",
        "a,1e308,0,0",
        "error: TMP/demand.csv:2:3: `weight` = \"1e308\": a demand weight or capacity in [0, 1e9]",
    );
    locate_demand_row(
        &c,
        "id,weight,x,y",
        "a,10,1e308,0",
        "error: TMP/demand.csv:2:6: `x` = \"1e308\": a projected coordinate in [-1e8, 1e8]",
    );
    locate_demand_row(
        &c,
        "id,weight,x,y",
        "a,10,0,-1e308",
        "error: TMP/demand.csv:2:8: `y` = \"-1e308\": a projected coordinate in [-1e8, 1e8]",
    );
}

#[test]
fn locate_cells_as_a_spreadsheet_writes_them() {
    let c = Case::new();
    locate_demand_row(
        &c,
        "id,weight,x,y",
        "a,\"1,000\",0,0",
        "error: TMP/demand.csv:2:3: `weight` = \"1,000\": a demand weight or capacity in [0, 1e9] (without thousands separators: write 1000)",
    );
    locate_demand_row(
        &c,
        "id,weight,x,y",
        "a,#N/A,0,0",
        "error: TMP/demand.csv:2:3: `weight` = \"#N/A\": a demand weight or capacity in [0, 1e9] (`#N/A` is an Excel error value: fill in the figure, or leave the cell empty where the column allows it)",
    );
    // Column names are case-insensitive; `lat` 95 is beyond the pole.
    let sites = c.write("sites_geo.csv", "id,lat,lon\nS1,30,106\n");
    let demand = c.write("demand_geo.csv", "ID,Weight,Lat,Lon\na,10,95,106\n");
    c.refuses(
        &["locate", "--model", "p-median", "--demand", &demand, "--sites", &sites, "--p", "1"],
        &[],
        "error: TMP/demand_geo.csv:2:6: `lat` = \"95\": a latitude in degrees in [-90, 90]",
    );
}

#[test]
fn locate_encodings_and_separators() {
    let c = Case::new();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "id,weight\na,10\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let demand = c.write("demand16.csv", utf16);
    let s = locate_fixture("sites.csv");
    c.refuses(
        &["locate", "--model", "p-median", "--demand", &demand, "--sites", &s, "--p", "1"],
        &[],
        "error: TMP/demand16.csv: `(file)` = UTF-16 LE text (Excel's “Unicode Text”): UTF-8 text: save it as “CSV UTF-8 \
(comma delimited)” in Excel, or convert it: iconv -f UTF-16LE -t UTF-8",
    );
    let sites = c.write("sites_semi.csv", "id;x;y\nS1;1;0\n");
    c.refuses(
        &["locate", "--model", "p-median", "--demand", &locate_fixture("demand.csv"), "--sites", &sites, "--p", "1"],
        &[],
        "error: TMP/sites_semi.csv:1:1: `(header)` = \"id;x;y\": columns separated by `,` (this file is separated by `;`, a \
semicolon (Excel in many locales)): save it as “CSV UTF-8 (comma delimited)”, or replace the separator by `,`",
    );
}

#[test]
fn locate_ids_and_pairs() {
    let c = Case::new();
    let d = locate_fixture("demand_ids.csv");
    let run = |sites: &str, cost: &str, message: &str| {
        let sites = c.write("sites.csv", sites);
        let cost = c.write("cost.csv", cost);
        c.refuses(
            &["locate", "--model", "p-median", "--demand", &d, "--sites", &sites, "--cost", &cost, "--p", "1"],
            &[],
            message,
        );
    };
    let costs = fs::read_to_string(locate_fixture("cost.csv")).unwrap();
    run("id\nS1\nS1\n", &costs, "error: TMP/sites.csv:3:1: `id` = \"S1\": a unique id (`S1` is already on line 2)");
    run(
        "id,fixed\nS1,maybe\n",
        &costs,
        "error: TMP/sites.csv:2:4: `fixed` = \"maybe\": true or false (also yes/no, 1/0)",
    );
    // cost.csv line 2 `a,S9,1`: S9 in column 3; line 3 repeats line 2's pair.
    let sites = "id\nS1\nS2\nS3\n";
    run(
        sites,
        "demand_id,site_id,cost\na,S9,1\n",
        &format!("error: TMP/cost.csv:2:3: `site_id` = \"S9\": an id listed in {}", c.path("sites.csv"))
            .replace(c.tmp.path().to_str().unwrap(), "TMP"),
    );
    run(
        sites,
        "demand_id,site_id,cost\na,S1,1\na,S1,2\n",
        "error: TMP/cost.csv:3:3: `site_id` = \"S1\": one row per pair (`a`–`S1` is already on line 2)",
    );
    run(
        sites,
        "demand_id,site_id,cost\na,S1,1e308\n",
        "error: TMP/cost.csv:2:6: `cost` = \"1e308\": a cost (distance or time) in [0, 1e9]",
    );
    run(
        sites,
        "demand_id,site_id,cost\na,S1,1\n",
        "error: TMP/cost.csv: `(rows)`: a row for demand `a` and site `S2` (the inputs have no coordinates to compute it): a row for every demand–site pair, or coordinates (lat/lon or x/y) in both files",
    );
}

#[test]
fn a_locate_model_larger_than_the_memory_limit() {
    // CFLP: one variable per pair, 4 × 3 × (8 + 4,096) = 49,248 bytes = 48.1 KiB
    // against 0.01 MiB = 10,485.76 bytes = 10.2 KiB.
    let c = Case::new();
    let (d, s) = (locate_fixture("demand.csv"), locate_fixture("sites.csv"));
    c.refuses(
        &["locate", "--model", "cflp", "--demand", &d, "--sites", &s],
        &[("CIVPLAN_MEMORY_LIMIT_MB", "0.01")],
        "error: cflp model on 4 demand points × 3 sites: needs about 48.1 KiB of memory (48.1 KiB for 4 demand points × 3 \
sites), more than the limit of 10.2 KiB (set by CIVPLAN_MEMORY_LIMIT_MB); make the instance smaller",
    );
}

// ---------------------------------------------------------------------------
// A closed pipe ends civplan quietly (SIGPIPE, shell status 141), never a panic.

/// Run with stdout a pipe whose reading end is closed before civplan
/// writes; returns (signal, stderr).
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_civplan"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    (status.signal(), err)
}

#[test]
fn a_closed_pipe_is_quiet_for_every_command_that_prints() {
    const SIGPIPE: i32 = 13;
    let (d, s) = (locate_fixture("demand.csv"), locate_fixture("sites.csv"));
    for args in [
        vec!["describe", "scenarios/tongnan", "--json"],
        vec!["describe", "scenarios/tongnan"],
        vec!["validate", "scenarios/tongnan"],
        vec!["locate", "--model", "p-median", "--demand", &d, "--sites", &s, "--p", "2", "--format", "json"],
        vec!["locate", "--model", "p-median", "--demand", &d, "--sites", &s, "--p", "2", "--format", "table"],
    ] {
        let (signal, err) = with_closed_stdout(&args);
        assert_eq!(signal, Some(SIGPIPE), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

#[test]
fn a_closed_pipe_after_a_plan_keeps_the_plan() {
    const SIGPIPE: i32 = 13;
    let c = Case::new();
    let out = c.path("out");
    let (signal, err) = with_closed_stdout(&["plan", &c.path("mini"), "--out", &out]);
    assert_eq!(signal, Some(SIGPIPE), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The folder was committed before the summary was printed.
    let plan: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(Path::new(&out).join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["manifest"]["tool"], "civplan");
    assert!(Path::new(&out).join(".civplan").exists());
}
