// Calls the notes server through its generated TypeScript client (Node 20: `ws` is the
// WebSocket; Node 22 and browsers have their own).
import WebSocket from "ws";
import { ApiError, NotesClient, WordsClient } from "notes-client";

const server = process.argv[2] ?? "ws://127.0.0.1:8000";

const words = await WordsClient.connect(`${server}/ws/words/`, { WebSocket });
console.log("count:", (await words.count({ text: "one two three" })).words);
try {
  await words.count({ text: " " });
  throw new Error("a blank text is a 400");
} catch (err) {
  if (!(err instanceof ApiError)) throw err;
  console.log("blank:", err.status, JSON.stringify(err.errors));
}

const notes = await NotesClient.connect(`${server}/ws/notes/`, { WebSocket });
const pinned = await notes.subscribeList({ pinned: true });
const pushes = pinned[Symbol.asyncIterator](); // pushes are kept from here on
const note = await notes.create({ data: { text: "buy milk", pinned: true } });
const { value: push } = await pushes.next();
console.log("push:", push.action, push.data.text, push.data.id === note.id);
await notes.endpoint.connection.close();
await words.endpoint.connection.close();
