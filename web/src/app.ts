// The demo's web page: a live todo list on the generated TypeScript client
// (clients/typescript), over one WebSocket to the `Todos` consumer at /ws/todos/.
//
// - `subscribe_list({})` delivers every create/update/delete, whoever made it (another tab,
//   another client); the list is re-read after each reconnection, since pushes sent while
//   disconnected are lost (the client renews the subscription itself).
// - The connection's state is shown in the header (`#status`, `data-state`).
// - Validation errors (400 replies) are shown under the field they concern.
//
// Build: `npm run build` in web/ (tsc; no bundler), which writes dist/ (committed, embedded
// in the demo binary).

import {
  ApiError,
  Connection,
  TodosClient,
  type Pk,
  type Status,
  type Todo,
  type TodosSubscribeListPush,
} from "../../clients/typescript/src/index.js";

const wsUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws/todos/`;
const todos = new Map<number, Todo>();
let client: TodosClient | null = null;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing`);
  return found as T;
}

const statusEl = element<HTMLSpanElement>("status");
const listEl = element<HTMLUListElement>("todos");
const emptyEl = element<HTMLParagraphElement>("empty");
const errorEl = element<HTMLParagraphElement>("error");
const countEl = element<HTMLSpanElement>("count");
const newForm = element<HTMLFormElement>("new");
const newTitle = element<HTMLInputElement>("new-title");
const newError = element<HTMLSpanElement>("new-error");

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function showStatus(status: Status): void {
  statusEl.dataset["state"] = status.state;
  switch (status.state) {
    case "connecting":
      statusEl.textContent = "connecting…";
      break;
    case "connected":
      statusEl.textContent = "connected";
      statusEl.dataset["generation"] = String(status.generation);
      break;
    case "reconnecting":
      statusEl.textContent = `reconnecting… (attempt ${status.attempt})`;
      break;
    case "closed":
      statusEl.textContent = "disconnected";
      break;
  }
}

function showError(error: unknown): void {
  errorEl.textContent = error instanceof Error ? error.message : String(error);
}

/** Shows the `title` errors of a failed call under `input`; other errors below the list. */
function showFieldError(error: unknown, input: HTMLInputElement, target: HTMLElement): void {
  if (error instanceof ApiError && error.status === 400 && error.field("title").length > 0) {
    target.textContent = error.field("title").join(" ");
    input.setAttribute("aria-invalid", "true");
  } else {
    showError(error);
  }
}

function clearFieldError(input: HTMLInputElement, target: HTMLElement): void {
  target.textContent = "";
  input.removeAttribute("aria-invalid");
}

function connected(): TodosClient {
  if (client === null) throw new Error("not connected yet");
  return client;
}

/** Runs a call, showing any error that is not a field's. */
async function run(call: (client: TodosClient) => Promise<unknown>): Promise<void> {
  try {
    errorEl.textContent = "";
    await call(connected());
  } catch (error) {
    showError(error);
  }
}

function itemOf(id: number): HTMLLIElement | null {
  return listEl.querySelector<HTMLLIElement>(`li[data-id="${id}"]`);
}

function makeItem(todo: Todo): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset["id"] = String(todo.id);

  const toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.className = "toggle";
  toggle.title = "done";
  toggle.addEventListener("change", () => {
    void run((c) => c.patch({ pk: todo.id, data: { done: toggle.checked } }));
  });

  const title = document.createElement("span");
  title.className = "title";
  title.addEventListener("dblclick", () => startEditing(item, todo.id));

  const edit = document.createElement("button");
  edit.type = "button";
  edit.className = "edit";
  edit.textContent = "Edit";
  edit.addEventListener("click", () => startEditing(item, todo.id));

  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "delete";
  remove.textContent = "Delete";
  remove.addEventListener("click", () => {
    void run((c) => c.delete({ pk: todo.id }));
  });

  item.append(toggle, title, edit, remove);
  return item;
}

function fillItem(item: HTMLLIElement, todo: Todo): void {
  item.classList.toggle("done", todo.done);
  const toggle = item.querySelector<HTMLInputElement>("input.toggle");
  if (toggle !== null) toggle.checked = todo.done;
  const title = item.querySelector<HTMLSpanElement>(".title");
  if (title !== null) title.textContent = todo.title;
}

function startEditing(item: HTMLLIElement, id: number): void {
  if (item.querySelector("form") !== null) return;
  const todo = todos.get(id);
  if (todo === undefined) return;
  const title = item.querySelector<HTMLSpanElement>(".title");
  const form = document.createElement("form");
  form.className = "edit-form";
  form.noValidate = true;
  const field = document.createElement("div");
  field.className = "field";
  const input = document.createElement("input");
  input.className = "edit-title";
  input.value = todo.title;
  const error = document.createElement("span");
  error.className = "field-error edit-error";
  error.setAttribute("role", "alert");
  field.append(input, error);
  const save = document.createElement("button");
  save.type = "submit";
  save.textContent = "Save";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = "Cancel";
  form.append(field, save, cancel);

  const stop = () => {
    form.remove();
    if (title !== null) title.hidden = false;
    for (const button of item.querySelectorAll<HTMLButtonElement>("button.edit")) button.hidden = false;
  };
  cancel.addEventListener("click", stop);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") stop();
  });
  input.addEventListener("input", () => clearFieldError(input, error));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const saved = await connected().patch({ pk: id, data: { title: input.value } });
        stop();
        upsert(saved);
      } catch (failure) {
        showFieldError(failure, input, error);
      }
    })();
  });

  if (title !== null) {
    title.hidden = true;
    title.after(form);
  } else {
    item.append(form);
  }
  for (const button of item.querySelectorAll<HTMLButtonElement>("button.edit")) button.hidden = true;
  input.focus();
  input.select();
}

function render(): void {
  const ids = [...todos.keys()].sort((a, b) => a - b);
  for (const item of [...listEl.querySelectorAll<HTMLLIElement>("li")]) {
    if (!todos.has(Number(item.dataset["id"]))) item.remove();
  }
  let previous: HTMLLIElement | null = null;
  for (const id of ids) {
    const todo = todos.get(id) as Todo;
    let item = itemOf(id);
    if (item === null) item = makeItem(todo);
    fillItem(item, todo);
    const expected: Element | null = previous === null ? listEl.firstElementChild : previous.nextElementSibling;
    if (expected !== item) {
      if (previous === null) listEl.prepend(item);
      else previous.after(item);
    }
    previous = item;
  }
  emptyEl.hidden = todos.size > 0;
  const open = [...todos.values()].filter((t) => !t.done).length;
  countEl.textContent = `${open} open, ${todos.size - open} done`;
}

function upsert(todo: Todo): void {
  todos.set(todo.id, todo);
  render();
}

function pkNumber(pk: Pk): number {
  return typeof pk === "number" ? pk : Number(pk);
}

function apply(push: TodosSubscribeListPush): void {
  switch (push.action) {
    case "create":
    case "update":
      upsert(push.data);
      break;
    case "delete":
      todos.delete(pkNumber(push.data.pk));
      render();
      break;
  }
}

/** Re-reads the whole list (first load, and after each reconnection). */
async function refresh(): Promise<void> {
  try {
    const all = await connected().list({});
    todos.clear();
    for (const todo of all) todos.set(todo.id, todo);
    render();
    document.body.dataset["loaded"] = String(Number(document.body.dataset["loaded"] ?? "0") + 1);
  } catch (error) {
    showError(error);
  }
}

/** Connects, retrying until the server answers (the client reconnects by itself after that). */
async function connect(): Promise<Connection> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await Connection.open(wsUrl, {
        timeoutMs: 10_000,
        connectTimeoutMs: 5_000,
        reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
      });
    } catch {
      showStatus({ state: "reconnecting", attempt });
      await sleep(Math.min(2_000, 200 * attempt));
    }
  }
}

newTitle.addEventListener("input", () => clearFieldError(newTitle, newError));
newForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void (async () => {
    try {
      errorEl.textContent = "";
      const created = await connected().create({ data: { title: newTitle.value } });
      newTitle.value = "";
      clearFieldError(newTitle, newError);
      upsert(created);
    } catch (error) {
      showFieldError(error, newTitle, newError);
    }
  })();
});

async function main(): Promise<void> {
  const connection = await connect();
  client = new TodosClient(connection.endpoint());
  showStatus(connection.status);
  connection.onStatus((status) => {
    showStatus(status);
    // Pushes sent while disconnected are lost: read the list again.
    if (status.state === "connected") void refresh();
  });
  const subscription = await client.subscribeList({});
  subscription.onPush(apply, showError);
  await refresh();
}

main().catch(showError);
