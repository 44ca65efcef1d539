/** The dashboard app: a header with the three sections and a hash router over the pages. */
import { render } from "preact";
import type { ServerInfo } from "./api";
import { ErrorBox } from "./components/ui";
import { useApi } from "./hooks";
import { BalrogEpisodePage, BalrogRunList, BalrogRunPage } from "./pages/Balrog";
import { ComparePage } from "./pages/Compare";
import { DatasetList, DatasetPage } from "./pages/Datasets";
import { EpisodePlayer } from "./pages/Episode";
import { PlayPage } from "./pages/Play";
import { RunPage } from "./pages/Run";
import { RunList } from "./pages/Runs";
import { href, useRoute } from "./router";
import "./styles.css";

function Page() {
  const { parts, query } = useRoute();
  const info = useApi<ServerInfo>("/api/info");
  const [section, a, b, c] = parts;
  const int = (s: string | null | undefined) => (s && /^\d+$/.test(s) ? Number(s) : null);
  let body;
  if (!section || section === "datasets") {
    if (!a) body = <DatasetList />;
    else if (b === "episodes" && int(c) !== null) body = <EpisodePlayer key={`${a}/${c}`} dataset={a} index={int(c)!} initialStep={int(query.get("step")) ?? 0} />;
    else body = <DatasetPage key={a} id={a} />;
  } else if (section === "runs") {
    body = a ? <RunPage key={a} id={a} /> : <RunList />;
  } else if (section === "compare" && a && b) {
    body = <ComparePage key={`${a}|${b}`} a={a} b={b} />;
  } else if (section === "compare") {
    body = <ErrorBox error="Pick two runs to compare in the Runs table." />;
  } else if (section === "balrog") {
    if (a && int(b) !== null && int(c) !== null) body = <BalrogEpisodePage key={`${a}/${b}/${c}`} id={a} agent={int(b)!} episode={int(c)!} />;
    else body = a ? <BalrogRunPage key={a} id={a} /> : <BalrogRunList />;
  } else if (section === "play") {
    body = <PlayPage info={info.data} initialEnv={query.get("env")} initialSeed={int(query.get("seed"))} />;
  } else {
    body = <ErrorBox error={`No page at #/${parts.join("/")}.`} />;
  }
  const active = !section ? "datasets" : section === "compare" ? "runs" : section;
  return (
    <>
      <header class="topbar">
        <a class="brand" href={href("datasets")}>
          <svg viewBox="0 0 1 1" width="22" height="22" aria-hidden="true">
            <rect width="1" height="1" fill="#222" rx="0.12" />
            <polygon points="0.12,0.19 0.87,0.5 0.12,0.81" fill="#ff2d2d" transform="rotate(-90 0.5 0.5)" />
          </svg>
          gridtune
        </a>
        <nav>
          {(["datasets", "runs", "balrog", "play"] as const).map((s) => (
            <a key={s} href={href(s)} class={active === s ? "active" : ""}>
              {s === "balrog" ? "BALROG" : s[0]!.toUpperCase() + s.slice(1)}
            </a>
          ))}
        </nav>
        <div class="topbar-info muted">
          {info.data && (
            <>
              {info.data.agent ? <span class="tag agent-tag" title={info.data.agent.name}>agent: {info.data.agent.name}</span> : null} v{info.data.version}
            </>
          )}
        </div>
      </header>
      <main>{body}</main>
    </>
  );
}

render(<Page />, document.getElementById("app")!);
