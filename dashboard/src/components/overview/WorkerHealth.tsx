import Link from "@/components/Link";
import type { Overview } from "@/api/types";

export function WorkerHealth({ worker }: { worker: Overview["worker"] }) {
  return (
    <>
      <h2>Worker health</h2>
      <div className="grid" data-testid="worker-health">
        <div className="card">
          <div className="label">Queue depth</div>
          <div className="value">{worker.queueDepth}</div>
          <div className="sub">jobs waiting or in flight</div>
        </div>
        <div className="card">
          <div className="label">Dead jobs</div>
          <div className="value">{worker.deadJobs}</div>
          <div className="sub">
            <Link href="/jobs/">Replay</Link>
          </div>
        </div>
        <div className="card">
          <div className="label">Solana RPC node</div>
          <div className="value">
            <span className={`status ${worker.rpc.up ? "status-ok" : "status-bad"}`}>{worker.rpc.up ? "up" : "down"}</span>
          </div>
          <div className="sub">
            slot {worker.rpc.slot ?? "—"} · {worker.rpc.latencyMs === null || worker.rpc.latencyMs === undefined ? "—" : `${worker.rpc.latencyMs} ms`}
          </div>
        </div>
      </div>
    </>
  );
}
