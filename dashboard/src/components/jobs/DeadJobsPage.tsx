"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { usePaged } from "@/api/hooks/paged";
import { Confirm } from "@/components/Confirm";
import { LoadMore } from "@/components/LoadMore";
import { ErrorNote, QueryState } from "@/components/QueryState";
import { Time } from "@/components/Time";
import { TableWrap } from "@/components/TableWrap";

/** Worker jobs that failed every try; replaying gives one a fresh set of tries. */
export function DeadJobsPage() {
  const client = useQueryClient();
  const jobs = usePaged(["jobs"], (cursor) => unwrap(api.GET("/v1/jobs/dead", { params: { query: { cursor } } })));
  const replay = useMutation({
    mutationFn: (jobId: number) => unwrap(api.POST("/v1/jobs/{job_id}/replay", { params: { path: { job_id: jobId } } })),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ["jobs"] });
      void client.invalidateQueries({ queryKey: ["overview"] });
    },
  });
  return (
    <>
      <h1>Dead jobs</h1>
      <ErrorNote error={replay.error} />
      {replay.data && <p className="success" role="status">Job {replay.data.jobId} is {replay.data.status} again.</p>}
      <QueryState isPending={jobs.isPending} error={jobs.error} isEmpty={jobs.items.length === 0} empty="No dead jobs: the worker finished everything it was given.">
        <TableWrap label="Dead jobs">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">Job</th>
                <th scope="col">Kind</th>
                <th scope="col">Subject</th>
                <th scope="col" className="num">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Created</th>
                <th scope="col">Dead since</th>
                <th scope="col">Replay</th>
              </tr>
            </thead>
            <tbody>
              {jobs.items.map((j) => (
                <tr key={j.jobId}>
                  <td className="num">{j.jobId}</td>
                  <td>{j.kind}</td>
                  <td><code>{j.subject}</code></td>
                  <td className="num">{j.attempts}</td>
                  <td>{j.lastError ?? "—"}</td>
                  <td><Time value={j.createdAt} /></td>
                  <td><Time value={j.deadAt} /></td>
                  <td>
                    <Confirm label="Replay" disabled={replay.isPending} question={`Give job ${j.jobId} (${j.kind} of ${j.subject}) a fresh set of tries? A settlement checks the chain first, so it cannot pay twice.`} onConfirm={() => replay.mutate(j.jobId)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={jobs} />
      </QueryState>
    </>
  );
}
