// Lets the conformance suite (built for Node 22) run on Node 20: it imports `globSync` from
// `fs`, which Node 20 lacks. Resolution of `fs` from the suite is redirected to fs-shim.mjs.
import { register } from "node:module";

register("./fs-hooks.mjs", import.meta.url);
