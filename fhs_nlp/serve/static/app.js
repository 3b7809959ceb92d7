// fhs-nlp serve: upload with progress, and opening a passage from a link. Every text
// shown from the server goes through textContent (never innerHTML).
"use strict";

function show(el, text) { el.textContent = text; el.hidden = !text; }

async function poll(jobId, progress, message, button) {
  const fill = progress.querySelector(".fill");
  const stage = progress.querySelector(".stage");
  for (;;) {
    let job;
    try {
      const response = await fetch(`/api/jobs/${encodeURIComponent(jobId)}`);
      job = await response.json();
      if (!response.ok) throw new Error(job.error ? job.error.message : response.statusText);
    } catch (err) {
      show(message, String(err.message || err)); progress.hidden = true; button.disabled = false;
      return;
    }
    const done = job.state === "done";
    fill.style.width = `${Math.round(100 * (done ? 1 : (job.step - 0.5) / job.steps))}%`;
    stage.textContent = `${job.files.join(" → ")}: ${job.stage}` +
      (job.detail ? ` (${job.detail})` : "") + ` · step ${job.step} of ${job.steps} · ${job.seconds} s`;
    if (done) { window.location.assign(`/runs/${encodeURIComponent(job.run_id)}`); return; }
    if (job.state === "failed") {
      show(message, job.error.message); progress.hidden = true; button.disabled = false;
      return;
    }
    await new Promise((r) => setTimeout(r, 700));
  }
}

async function submitJob(form) {
  const progress = document.getElementById("progress");
  const message = document.getElementById("message");
  const button = form.querySelector("button[type=submit]");
  show(message, "");
  const files = [...form.querySelectorAll("input[type=file]")];
  const missing = files.find((input) => !input.files.length);
  if (missing) {
    show(message, files.length > 1 ? "Choose both versions first." : "Choose a file first.");
    return;
  }
  button.disabled = true;
  progress.hidden = false;
  progress.querySelector(".fill").style.width = "3%";
  progress.querySelector(".stage").textContent = "uploading…";
  let response, body;
  try {
    response = await fetch(form.action, { method: "POST", body: new FormData(form) });
    body = await response.json();
  } catch (err) {
    show(message, `The upload failed: ${err.message || err}`);
    progress.hidden = true; button.disabled = false; return;
  }
  if (!response.ok) {
    show(message, body.error ? body.error.message : `The server answered ${response.status}`);
    progress.hidden = true; button.disabled = false; return;
  }
  poll(body.id, progress, message, button);
}

function setUpDrop(form) {
  const input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach((t) => form.addEventListener(t, (e) => {
    e.preventDefault(); form.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((t) => form.addEventListener(t, (e) => {
    e.preventDefault(); form.classList.remove("over");
  }));
  form.addEventListener("drop", (e) => {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      submitJob(form);
    }
  });
}

function openPassage() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id.startsWith("passage-")) return;
  const el = document.getElementById(id);
  if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView({ block: "start" }); }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-job-form]").forEach((form) => {
    form.addEventListener("submit", (e) => { e.preventDefault(); submitJob(form); });
    if (form.classList.contains("drop")) setUpDrop(form);
  });
  window.addEventListener("hashchange", openPassage);
  openPassage();
});
