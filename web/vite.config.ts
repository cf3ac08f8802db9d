// The panel is served by hub at /panel/ from files embedded in the binary, so the build must
// be byte-for-byte reproducible (CI rebuilds and diffs dist/) and free of inline scripts (the
// server's content security policy forbids them).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/panel/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // No module-preload polyfill: it would be the only inline-ish helper, and every browser
    // the panel targets supports modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  // `npx vite` for development: the control plane's gRPC-web paths go to a running hub, so the
  // page stays same-origin as in production.
  server: {
    proxy: { "/aiproxy.admin.v1": process.env.AIPROXY_URL ?? "http://127.0.0.1:3000" },
  },
});
