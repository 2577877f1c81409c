//! `cdf-signin doctor`: the chain from the profile to CDF's capabilities, one line per
//! step on stdout (or a JSON list), the exit status saying how it ended.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::args::Select;
use super::context::Ctx;
use super::failure::{CmdResult, EXIT_ERROR, EXIT_SIGN_IN, Failure, words_for};
use super::output;
use crate::doctor::{self, Health, Need, Report, Status, Step};

pub(super) fn doctor(ctx: &Ctx, select: &Select, needs: &[String], json: bool) -> CmdResult {
    let needs: Vec<Need> = needs
        .iter()
        .map(|n| {
            n.parse()
                .map_err(|e: String| Failure::usage(format!("--need {e}")))
        })
        .collect::<Result<_, _>>()?;
    let (name, profile) = ctx.resolve(select)?;
    let report = doctor::diagnose(ctx.session(), &name, &profile, &needs);
    if json {
        output::print_json(&report_json(&report))?;
    } else {
        output::print_text(&report_text(&report, &profile.project, &profile.base_url()))?;
    }
    let failed: Vec<&str> = report.failed().map(|s| s.id.name()).collect();
    let code = match report.health() {
        Health::Healthy => return Ok(()),
        Health::Broken => EXIT_ERROR,
        Health::SignInRequired => EXIT_SIGN_IN,
    };
    Err(Failure {
        message: format!(
            "profile '{name}': {} of {} checks failed ({})",
            failed.len(),
            report.steps.len(),
            failed.join(", ")
        ),
        hint: None,
        code,
        causes: Vec::new(),
    })
}

/// The list `--json` prints: `name`, `ok`, `status`, `detail`, `fix` per step.
fn report_json(report: &Report) -> Value {
    Value::Array(
        report
            .steps
            .iter()
            .map(|s| {
                json!({
                    "name": s.id.name(),
                    "ok": s.status == Status::Passed,
                    "status": s.status.as_str(),
                    "detail": s.detail,
                    "fix": fix_words(report, s),
                })
            })
            .collect(),
    )
}

/// A step's fix in words, naming the profile checked where the remedy names one (the
/// provider's refusal of a secret does not know it): the same in text and `--json`.
fn fix_words(report: &Report, step: &Step) -> Option<String> {
    let fix = step.fix.clone()?;
    Some(words_for(&fix, &report.profile))
}

fn report_text(report: &Report, project: &str, base_url: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Checking profile '{}' ({project} at {base_url})",
        report.profile
    );
    for (n, s) in report.steps.iter().enumerate() {
        let mark = match s.status {
            Status::Passed => "ok  ",
            Status::Failed => "FAIL",
            Status::Skipped => "skip",
        };
        let lead = format!("{mark} {}. {:<12} ", n + 1, s.id.name());
        let _ = writeln!(out, "{lead}{}", s.detail);
        // Under the detail, in its column; naming the profile checked.
        if let Some(fix) = fix_words(report, s) {
            let _ = writeln!(out, "{:width$}fix: {fix}", "", width = lead.chars().count());
        }
    }
    out
}
