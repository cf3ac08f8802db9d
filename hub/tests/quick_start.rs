//! The README's quick start as written: the example configuration applied at startup, then its `curl` request, ending in a real answer.

use crate::support::TestHub;

const EXAMPLE: &str = include_str!("../examples/aiproxy.yaml");
const README: &str = include_str!("../../README.md");

/// The quick start's `curl` command, its continuation lines joined, split into words as a
/// POSIX shell would for the quoting it uses (single quotes, double quotes, backslash-newline).
fn quick_start_curl() -> Vec<String> {
    let section = README
        .split("\n## Quick start")
        .nth(1)
        .expect("the README has a quick start")
        .split("\n## ")
        .next()
        .unwrap();
    let joined = section.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|line| line.trim_start().starts_with("curl "))
        .expect("the quick start has a curl request");
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    for character in line.trim().chars() {
        match (quote, character) {
            (None, '\'' | '"') => {
                quote = Some(character);
                in_word = true;
            }
            (Some(open), _) if character == open => quote = None,
            (None, ' ') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                word.push(character);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_start_ends_in_a_real_answer() {
    let words = quick_start_curl();
    assert_eq!(words[0], "curl");
    let hub = TestHub::start_with_config(EXAMPLE).await;
    let mut url = None;
    let mut headers = Vec::new();
    let mut body = None;
    let mut rest = words[1..].iter();
    while let Some(word) = rest.next() {
        match word.as_str() {
            "-H" => {
                let (name, value) = rest.next().unwrap().split_once(':').unwrap();
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            "-d" => body = Some(rest.next().unwrap().clone()),
            other if other.starts_with("http") => {
                url = Some(other.replace("http://127.0.0.1:3000", &hub.url("")));
            }
            other => panic!("the test does not know the curl option {other}"),
        }
    }
    let mut request = reqwest::Client::new()
        .post(url.expect("the request has a URL"))
        .body(body.expect("the request has a body"));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "Hello from aiproxy: this answer comes from the fake channel."
    );
    assert_eq!(answer["model"], "gpt-4o-mini");
    hub.stop().await.unwrap();
}
