// Generated from openapi.json by scripts/openapi.mjs; do not edit.
export interface paths {
    "/auth/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Opens a session from a one-time link: `303` to `/` with the session cookie. */
        get: operations["sign_in"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ends the session and clears the cookie (`204` whether or not there was one). */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is signed in (by the session cookie). */
        get: operations["session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process serves HTTP. Checks no dependency. */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: PostgreSQL, Redis and the Solana RPC node all answer. Otherwise 503 problem+json
         *     (`code` "not_ready") naming each failing dependency in `detail` and `checks`.
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's accounts, newest first, a page at a time. */
        get: operations["list_accounts"];
        put?: never;
        /**
         * Creates an account and its wallet on chain, signed and paid by the operator's owner key.
         *     The rows commit only once the wallet exists (confirmed); a chain failure writes nothing.
         */
        post: operations["create_account"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["get_account"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The wallet's balance and counters, read from the chain. */
        get: operations["account_balance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stops every payment from the wallet, on chain and here. */
        post: operations["pause_account"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The policy in force. */
        get: operations["get_policy"];
        /** Replaces the policy (the pause state is kept): written on chain, then mirrored. */
        put: operations["replace_policy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/policy/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of the policy, newest first. */
        get: operations["policy_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Signs a deferred receipt with a custodial account's agent key (agent scope). Signing the same
         *     receipt again returns the same signature; a different receipt for the same challenge is 409.
         */
        post: operations["sign_receipt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Asks for a payment by transaction (agent scope): `201` with the transaction, `202` when it
         *     waits for an operator, `422` when the policy refuses it.
         */
        post: operations["request_transaction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/transactions/{transfer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The transaction of an approved payment, co-signed by the owner key (agent scope): `200`;
         *     `409 awaiting_approval` while no operator has decided; `422 payment_denied` once denied or
         *     expired.
         */
        post: operations["approved_transaction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{account_id}/unpause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lets the wallet pay again within its policy. */
        post: operations["unpause_account"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's API keys (never their secrets). */
        get: operations["list_keys"];
        put?: never;
        /**
         * A new key for the caller's operator, with at most the caller's own scopes. With an
         *     `Idempotency-Key`, a retry returns the same key id with `secret: null`: the secret is never
         *     stored, so a client that lost the first response revokes that key and makes another.
         */
        post: operations["create_key"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revokes one of the operator's keys; requests signed with it are refused from now on. */
        delete: operations["revoke_key"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's operator's audit rows, newest first. */
        get: operations["audit_log"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Checks the audit log's hash chain from its first row (read scope; it changes nothing). */
        post: operations["verify_audit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's escalations, newest first, a page at a time. */
        get: operations["list_escalations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations/{escalation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["get_escalation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations/{escalation_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approves: the transfer goes to settlement, co-signed by the operator's owner key. */
        post: operations["approve_escalation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations/{escalation_id}/deny": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Denies: the transfer is rejected and its reserved budget given back. */
        post: operations["deny_escalation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-sent events: `event: <type>` (`transfer.created`, `transfer.settled`,
         *     `escalation.required` …, as docs/api.md lists for webhooks), `id: <event id>`, `data:
         *     {"id", "type", "subject"}`. Starts after `Last-Event-ID` when given, else with the next event.
         */
        get: operations["events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/handles/{handle}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Resolves a handle to the wallet it names. Handles are a public directory: any key with the
         *     `read` scope resolves any operator's handle, and learns only the addresses.
         */
        get: operations["resolve_handle"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/dead": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's dead jobs, newest first. */
        get: operations["dead_jobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Gives a dead job a fresh set of tries: the worker takes it up again at once. */
        post: operations["replay_job"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is calling: the operator and key behind this request's signature. */
        get: operations["operator"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Today's spend of each account against its daily cap, transfers by status, open escalations
         *     and the health of settlement.
         */
        get: operations["overview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's deferred receipts, newest first, a page at a time. */
        get: operations["list_receipts"];
        put?: never;
        /** Reports deferred receipts for settlement (agent scope). */
        post: operations["report_receipts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reconciliation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open differences, most recently seen first (at most 500). */
        get: operations["open_differences"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's sessions, newest first, a page at a time. */
        get: operations["list_sessions"];
        put?: never;
        /** Reports a session the agent opened (agent scope); reporting it again returns it (`200`). */
        post: operations["open_session"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["get_session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{session_id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reports that the provider closed the session (agent scope). The chain decides: the session
         *     must be closed or expired there, and `paid` is what the chain paid.
         */
        post: operations["close_session"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{session_id}/vouchers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reports the agent's latest voucher (agent scope). A voucher no higher than the one held
         *     changes nothing and is not an error (reports may arrive late).
         */
        post: operations["report_voucher"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spend between `from` and `to`: transfers waiting for approval, pending or settled, deferred
         *     receipts not rejected or expired, and what sessions paid, each counted when it was made.
         */
        get: operations["spend"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's transfers, newest first, a page at a time. */
        get: operations["list_transfers"];
        put?: never;
        /**
         * Pays `to` from one of the operator's accounts, within its policy. Needs an
         *     `Idempotency-Key`: a retry with it returns the same transfer, however the first one ended.
         */
        post: operations["create_transfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transfers/{transfer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of the operator's transfers. */
        get: operations["get_transfer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator's endpoints (never their secrets). */
        get: operations["list_webhooks"];
        put?: never;
        /** Registers an endpoint; the answer carries its signing secret, once. */
        post: operations["create_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{endpoint_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stops deliveries to an endpoint (it stays listed, disabled, with the reason). */
        delete: operations["disable_webhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{endpoint_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The endpoint's delivery tries, newest first. */
        get: operations["list_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{endpoint_id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turns a disabled endpoint back on (its failure count starts again from zero). */
        post: operations["enable_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{endpoint_id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sends an event to the endpoint again now, under the same `webhook-id`. */
        post: operations["resend_event"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{endpoint_id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new signing secret, shown once. For 24 hours messages carry signatures under both the new
         *     and the previous secret, so the receiver can switch without dropping any.
         */
        post: operations["rotate_secret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccountPage: {
            items: components["schemas"]["AccountView"][];
            /** @description Pass as `cursor` for the next page; `null` on the last one. */
            nextCursor?: string | null;
        };
        AccountToday: {
            accountId: string;
            /** @description `custodial` or `non_custodial`. */
            custody: string;
            handle?: string | null;
            /**
             * Format: int64
             * @description The cap of the policy in force; `null` before the account has a policy.
             */
            maxDailySpend?: number | null;
            name: string;
            /**
             * Format: int64
             * @description Base units the day's budget holds: settled, pending and waiting-for-approval payments.
             */
            spentToday: number;
            /** @description `active` or `paused`. */
            status: string;
        };
        AccountView: {
            accountId: string;
            /** @description The key that signs the wallet's payments. */
            agentAddress: string;
            createdAt: string;
            custody: string;
            handle?: string | null;
            name: string;
            policy?: null | components["schemas"]["PolicyView"];
            /** @description The wallet PDA: where the policy lives. */
            solanaAddress: string;
            /** @description `active` or `paused`. */
            status: string;
            /** @description The wallet's USDC vault: where deposits go. */
            usdcTokenAccount: string;
            /** @description The key the wallet PDA derives from. */
            walletKey: string;
        };
        ApiKey: {
            keyId: string;
            name: string;
            revoked: boolean;
            scopes: components["schemas"]["Scope"][];
        };
        AuditEntry: {
            action: string;
            /** @description An API key id, `oidc:<subject>`, `cli` or `system`. */
            actor: string;
            at: string;
            details: unknown;
            /** @description SHA-256 chain hash of the row, hex. */
            hash: string;
            /**
             * Format: int64
             * @description The row's place in the chain (gaps are other operators' rows).
             */
            seq: number;
            subject: string;
        };
        AuditPage: {
            items: components["schemas"]["AuditEntry"][];
            /**
             * Format: int64
             * @description Pass as `before` for older rows; `null` at the start of the log.
             */
            nextBefore?: number | null;
        };
        AuditVerification: {
            firstAltered?: null | components["schemas"]["BrokenRow"];
            /** @description Every row's hash recomputed from the first matches. */
            intact: boolean;
            /**
             * Format: int64
             * @description Rows checked (every operator's), up to the break if there is one.
             */
            rows: number;
        };
        AwaitingApproval: {
            escalationId: string;
            expiresAt: string;
            transferId: string;
        };
        Balance: {
            /**
             * Format: int64
             * @description Payments the wallet has made so far.
             */
            nonce: number;
            paused: boolean;
            /**
             * Format: int32
             * @description The wallet's policy version and pause flag on chain (compare with the mirror).
             */
            policyVersion: number;
            /** Format: int64 */
            spendDay: number;
            /**
             * Format: int64
             * @description Base units paid or locked during `spendDay` (a UTC day index), per the wallet.
             */
            spentToday: number;
            /**
             * Format: int64
             * @description USDC in the wallet's vault, in base units, as the chain reports it now.
             */
            usdc: number;
        };
        BrokenRow: {
            reason: string;
            /**
             * Format: int64
             * @description The first row (by `seq`) that breaks the chain.
             */
            seq: number;
        };
        /** @description Each dependency's state: "ok", or why not; and what the Solana RPC node said of itself. */
        Checks: {
            database: string;
            redis: string;
            /** @description "ok", or why not (a node behind the cluster says by how many slots). */
            solana: string;
            /**
             * Format: int64
             * @description How long `getHealth` and `getSlot` took, in milliseconds, when it answered.
             */
            solanaLatencyMs?: number | null;
            /**
             * Format: int64
             * @description The node's latest slot, when it answered.
             */
            solanaSlot?: number | null;
        };
        Cluster: {
            /** @description `mainnet-beta`, `devnet`, `testnet`, `localnet` (an RPC node on this machine) or `custom`. */
            name: string;
            /** @description The RPC node's URL (explorers open `localnet` and `custom` clusters by it). */
            rpcUrl: string;
        };
        CreatedApiKey: {
            keyId: string;
            scopes: components["schemas"]["Scope"][];
            /**
             * @description Shown once; the server keeps only a sealed key derived from it (`null` when an
             *     `Idempotency-Key` retry replays the creation).
             */
            secret?: string | null;
        };
        /** @enum {string} */
        Custody: "custodial" | "non_custodial";
        DeadJob: {
            /** Format: int32 */
            attempts: number;
            createdAt: string;
            deadAt?: string | null;
            /** Format: int64 */
            jobId: number;
            /** @description `transfer.settle` or `event`. */
            kind: string;
            lastError?: string | null;
            /** @description The transfer, account or session it is about. */
            subject: string;
        };
        DeadJobPage: {
            items: components["schemas"]["DeadJob"][];
            nextCursor?: string | null;
        };
        Decision: {
            /** @description Why, for the audit log (at most 500 characters). */
            note?: string | null;
        };
        DeliveryPage: {
            items: components["schemas"]["DeliveryView"][];
            nextCursor?: string | null;
        };
        DeliveryView: {
            /**
             * Format: int32
             * @description 1 for the first try.
             */
            attempt: number;
            attemptedAt: string;
            /** Format: int64 */
            deliveryId: number;
            error?: string | null;
            /**
             * Format: int64
             * @description The event; its `webhook-id` is `evt_<eventId>` on every try.
             */
            eventId: number;
            eventType: string;
            nextAttemptAt?: string | null;
            /** Format: int32 */
            responseStatus?: number | null;
            /** @description `delivered`; `pending` (failed, another try at `nextAttemptAt`); `failed` (no more tries). */
            status: string;
        };
        DifferenceView: {
            detail: string;
            firstSeen: string;
            /**
             * @description `overdue_transfer`, `dead_settlement`, `settled_not_on_chain`, `wallet_missing`,
             *     `policy_behind_chain` or `policy_ahead_of_chain`.
             */
            kind: string;
            lastSeen: string;
            /** @description The transfer or account it is about. */
            subject: string;
        };
        EscalationPage: {
            items: components["schemas"]["EscalationView"][];
            nextCursor?: string | null;
        };
        EscalationView: {
            accountId: string;
            /** Format: int64 */
            amount: number;
            createdAt: string;
            decidedAt?: string | null;
            decidedBy?: string | null;
            escalationId: string;
            expiresAt: string;
            note?: string | null;
            /** @description `pending`, `approved`, `denied` or `expired`. */
            status: string;
            /** Format: int64 */
            threshold: number;
            transferId: string;
        };
        HandleResolution: {
            handle: string;
            /** @description The wallet PDA. */
            solanaAddress: string;
            /** @description Where to send USDC. */
            usdcTokenAccount: string;
        };
        Health: {
            status: string;
        };
        Leg: {
            /**
             * Format: int64
             * @description Base units.
             */
            amount: number;
            /** @description The token account paid (base58). */
            destination: string;
        };
        NewAccountBody: {
            /** @description The agent's base58 public key; required for `non_custodial`, refused for `custodial`. */
            agentPublicKey?: string | null;
            custody: components["schemas"]["Custody"];
            /** @description A unique handle such as `@research-agent.mpppal`. */
            handle?: string | null;
            name: string;
            policy: components["schemas"]["PolicyBody"];
        };
        NewApiKey: {
            name: string;
            scopes: components["schemas"]["Scope"][];
        };
        NewTransferBody: {
            accountId: string;
            /**
             * Format: int64
             * @description USDC base units (1 USDC = 1000000), 1 to 2^63−1.
             */
            amount: number;
            /**
             * Format: int32
             * @description Above the escalation threshold: seconds an operator has to approve (60 to 604800;
             *     default 3600) before the transfer is denied.
             */
            approvalTtlSeconds?: number | null;
            category?: string | null;
            memo?: string | null;
            /**
             * @description The recipient: a base58 address (USDC goes to its associated token account) or a handle
             *     such as `@weather-api.mpppal`.
             */
            to: string;
        };
        NewWebhook: {
            /** @description Event types to send; empty or absent means all. */
            events?: components["schemas"]["EventType"][];
            /** @description Where events are POSTed (http or https). */
            url: string;
        };
        Operator: {
            /** @description The Solana cluster this server pays on, for links to an explorer. */
            cluster: components["schemas"]["Cluster"];
            keyId: string;
            operatorId: string;
            /**
             * @description The key that owns this operator's wallets on chain and pays their rent and fees: fund it
             *     with SOL before creating accounts. `null` until the operator has one (ADR 0012).
             */
            ownerAddress?: string | null;
            scopes: components["schemas"]["Scope"][];
        };
        Overview: {
            accounts: components["schemas"]["AccountToday"][];
            /** @description The UTC day the spend counts against, `YYYY-MM-DD`. */
            day: string;
            /** Format: int64 */
            escalationsPending: number;
            transfers: components["schemas"]["TransferTallies"];
            worker: components["schemas"]["WorkerHealth"];
        };
        /** @description Spending rules for one wallet. Amounts are USDC base units (1 USDC = 1000000). */
        PolicyBody: {
            /** @description Recipients (base58 addresses) the wallet may pay; empty or absent means any. */
            allowedCounterparties?: string[];
            /** @description Categories payments may name; empty or absent means any. */
            categories?: string[];
            /**
             * Format: int64
             * @description Payments above this need an operator's approval; absent means never.
             */
            escalationThreshold?: number | null;
            /**
             * Format: int64
             * @description Most the wallet may pay in one UTC day.
             */
            maxDailySpend: number;
            /**
             * Format: int64
             * @description Largest single payment.
             */
            maxSingleTransfer: number;
            /** @description Every payment must carry a memo. */
            requireMemo?: boolean;
        };
        /** @description One version of a wallet's policy, as written on chain. */
        PolicyView: components["schemas"]["PolicyBody"] & {
            /** @description The API key that made the change. */
            changedBy: string;
            createdAt: string;
            paused: boolean;
            /** @description The transaction that wrote this version. */
            txSignature: string;
            /**
             * Format: int32
             * @description The wallet's on-chain `policy_version`.
             */
            version: number;
        };
        Ready: {
            checks: components["schemas"]["Checks"];
            status: string;
        };
        ReceiptBatch: {
            /** @description 1 to 1000 receipts. */
            receipts: components["schemas"]["ReceiptReport"][];
        };
        ReceiptPage: {
            items: components["schemas"]["ReceiptView"][];
            nextCursor?: string | null;
        };
        /** @description A receipt as the agent signed it: the challenge's terms plus the credential's payload. */
        ReceiptReport: {
            accountId: string;
            /**
             * Format: int64
             * @description Base units.
             */
            amount: number;
            category?: string | null;
            challengeId: string;
            /**
             * Format: int64
             * @description Unix seconds after which the receipt can no longer settle.
             */
            expiresAt: number;
            /** @description The mint paid in (base58). */
            mint: string;
            /** @description The provider's owner key (base58), as in the challenge. */
            recipient: string;
            /** @description Base58 Ed25519 signature by the account's agent key over the receipt message. */
            signature: string;
        };
        ReceiptResult: {
            accountId: string;
            challengeId: string;
            detail?: string | null;
            /**
             * @description `stored`, `duplicate` (this very receipt was stored before), `conflict` (another receipt
             *     holds this challenge id) or `invalid` (not stored; `detail` says why).
             */
            outcome: string;
        };
        ReceiptResults: {
            /** @description One per reported receipt, in order. */
            results: components["schemas"]["ReceiptResult"][];
        };
        ReceiptView: {
            accountId: string;
            /** Format: int64 */
            amount: number;
            /**
             * Format: int64
             * @description The `settle_batch` it went into (`receipts.settled` and `receipts.failed` events name it).
             */
            batchId?: number | null;
            challengeId: string;
            expiresAt: string;
            receivedAt: string;
            recipient: string;
            /**
             * @description Why the chain did not settle it (`rejected` only): the policy's refusal code
             *     (`over_daily_limit` …), `escalation_required`, or why its batch failed.
             */
            rejectionReason?: string | null;
            settledAt?: string | null;
            /** @description The `settle_batch` transaction that paid it. */
            settlementTxSignature?: string | null;
            /** @description `accepted`, `settling`, `settled`, `rejected` or `expired`. */
            status: string;
        };
        ReplayedJob: {
            /** Format: int64 */
            jobId: number;
            /** @description `waiting`: the worker takes it up again. */
            status: string;
        };
        ResendBody: {
            /**
             * Format: int64
             * @description The event to send again (`eventId` of a delivery).
             */
            eventId: number;
        };
        RotatedSecret: {
            endpointId: string;
            /**
             * Format: int64
             * @description How long messages still carry a signature under the previous secret too.
             */
            previousSecretValidForSeconds: number;
            /** @description `whsec_…`: shown this once. */
            secret: string;
        };
        RpcHealth: {
            /** Format: int64 */
            latencyMs?: number | null;
            /** Format: int64 */
            slot?: number | null;
            up: boolean;
        };
        /**
         * @description What a key may do: `read` (GET), `write` (changes), `agent` (what agents call: receipts,
         *     custodial signing), `approve` (approving escalations, apart from `write` so that the key that
         *     asks for a payment need not be able to wave it through).
         * @enum {string}
         */
        Scope: "read" | "write" | "agent" | "approve";
        SessionClosed: {
            /** @description The close transaction's signature, as the provider returned it. */
            tx: string;
        };
        SessionOpened: {
            accountId: string;
            /** @description The session account (base58) the agent opened on chain. */
            channel: string;
            /** @description The paid API's URL the session is for. */
            providerEndpoint: string;
        };
        SessionPage: {
            items: components["schemas"]["SessionView"][];
            nextCursor?: string | null;
        };
        SessionView: {
            accountId: string;
            /**
             * Format: int64
             * @description The deposit locked on chain, as last read.
             */
            cap: number;
            /** @description The Settlement Program session account. */
            channel: string;
            /** @description When the agent reported the voucher `runningTotal` comes from (`null` before any). */
            lastVoucherAt?: string | null;
            openedAt: string;
            /**
             * Format: int64
             * @description What the chain paid the provider at close.
             */
            paid?: number | null;
            /** @description The provider paid at close (from chain). */
            payee: string;
            providerEndpoint: string;
            /**
             * Format: int64
             * @description The highest voucher reported.
             */
            runningTotal: number;
            sessionId: string;
            settledAt?: string | null;
            settlementTxSignature?: string | null;
            /** @description The key whose vouchers count (from chain). */
            signer: string;
            /** @description `open` or `settled`. */
            status: string;
        };
        SignReceipt: {
            /**
             * Format: int64
             * @description Base units, from the challenge.
             */
            amount: number;
            category?: string | null;
            /** @description The MPP challenge id the receipt pays. */
            challengeId: string;
            /**
             * Format: int64
             * @description Unix seconds; at most an hour ahead (and within the paywall's `maxTtlSeconds`).
             */
            expiresAt: number;
            /** @description The mint, from the challenge; must be the wallet's. */
            mint: string;
            /** @description The provider's owner key (base58), from the challenge. */
            recipient: string;
        };
        /** @description Who is signed in (named apart from the payment sessions of `/v1/sessions`). */
        SignedInSession: {
            email?: string | null;
            expiresAt: string;
            issuer: string;
            operatorId: string;
            subject: string;
        };
        SignedReceipt: {
            category?: string | null;
            challengeId: string;
            /** Format: int64 */
            expiresAt: number;
            /** @description Base58 Ed25519 signature by the account's agent key. */
            signature: string;
            /** @description The wallet PDA, for the credential's payload. */
            wallet: string;
        };
        SignedTransaction: {
            /**
             * @description Base64 wire transaction, signed by the agent (and the owner when approved); the fee
             *     payer's signature slot is left for the server.
             */
            transaction: string;
            transferId: string;
        };
        Spend: {
            bucket: string;
            by: string;
            from: string;
            series: components["schemas"]["SpendSeries"][];
            to: string;
        };
        SpendPoint: {
            /**
             * Format: int64
             * @description Base units.
             */
            amount: number;
            /** @description The bucket's start, RFC 3339 UTC. */
            start: string;
        };
        SpendSeries: {
            /** @description The account id, provider or category (`uncategorised` when a payment names none). */
            key: string;
            /** @description Buckets with spend, oldest first (empty buckets are left out). */
            points: components["schemas"]["SpendPoint"][];
        };
        Tally: {
            /**
             * Format: int64
             * @description Base units.
             */
            amount: number;
            /** Format: int64 */
            count: number;
        };
        TransactionRequest: {
            category?: string | null;
            /** @description The MPP challenge id (one payment per challenge). */
            challengeId: string;
            /**
             * Format: int64
             * @description The challenge's expiry (unix seconds): an escalation still pending then is denied.
             */
            expiresAt: number;
            /** @description The server's fee payer from the challenge (base58). */
            feePayer: string;
            /** @description Token accounts and amounts, as the challenge's legs ask. */
            legs: components["schemas"]["Leg"][];
            /** @description The provider's owner key: who the policy sees as paid. */
            recipient: string;
        };
        TransferPage: {
            items: components["schemas"]["TransferView"][];
            nextCursor?: string | null;
        };
        TransferTallies: {
            failed: components["schemas"]["Tally"];
            pending: components["schemas"]["Tally"];
            pendingApproval: components["schemas"]["Tally"];
            rejected: components["schemas"]["Tally"];
            settled: components["schemas"]["Tally"];
        };
        TransferView: {
            accountId: string;
            /** Format: int64 */
            amount: number;
            category?: string | null;
            createdAt: string;
            /** @description The escalation deciding it, when it crossed the threshold. */
            escalationId?: string | null;
            /** @description Why settlement failed (status `failed`); the day's budget was given back. */
            failureReason?: string | null;
            memo?: string | null;
            /** @description The operator approved it above the escalation threshold. */
            ownerCosigned: boolean;
            rejectionReason?: string | null;
            settledAt?: string | null;
            /** @description `pending_approval`, `pending`, `settled`, `rejected` or `failed`. */
            status: string;
            to: string;
            transferId: string;
            /**
             * @description The settlement transaction: while `pending`, the one sent and awaited; once `settled`,
             *     the one that paid.
             */
            txSignature?: string | null;
        };
        VoucherReport: {
            /**
             * Format: int64
             * @description Cumulative base units the voucher authorises.
             */
            cumulative: number;
            /**
             * Format: int64
             * @description As signed; 0 for none.
             */
            expiresAt: number;
            /** @description Base58 Ed25519 signature of the voucher message by the session's signer. */
            signature: string;
        };
        Webhook: {
            createdAt: string;
            disabledReason?: string | null;
            endpointId: string;
            events: components["schemas"]["EventType"][];
            /** @description `whsec_…`: shown at creation only (`null` on a replay and in lists). */
            secret?: string | null;
            /** @description `enabled` or `disabled`. */
            status: string;
            url: string;
        };
        WorkerHealth: {
            /**
             * Format: int64
             * @description This operator's jobs that failed for good (`GET /v1/jobs/dead`).
             */
            deadJobs: number;
            /**
             * Format: int64
             * @description Jobs waiting for the settlement worker or in its hands (every operator's).
             */
            queueDepth: number;
            rpc: components["schemas"]["RpcHealth"];
        };
        /** @description An error (RFC 9457): `code` is stable and names what went wrong; some problems carry more members (`reason`, `transferId`, `checks`, `ownerAddress`). */
        Problem: {
            /** @example about:blank */
            type: string;
            title: string;
            status: number;
            /** @enum {string} */
            code: "not_ready" | "not_configured" | "unauthenticated" | "stale_timestamp" | "unknown_key" | "revoked_key" | "bad_signature" | "replayed" | "insufficient_scope" | "body_too_large" | "invalid_body" | "invalid_request" | "not_found" | "method_not_allowed" | "rate_limited" | "csrf_header_required" | "key_unreadable" | "invalid_idempotency_key" | "idempotency_key_reused" | "invalid_query" | "invalid_cursor" | "invalid_handle" | "invalid_policy" | "handle_taken" | "owner_unfunded" | "chain_unavailable" | "chain_rejected" | "idempotency_key_required" | "invalid_amount" | "invalid_recipient" | "unknown_recipient" | "payment_denied" | "not_custodial" | "already_requested" | "awaiting_approval" | "already_settled" | "payment_failed" | "transaction_expired" | "receipt_conflict" | "unknown_channel" | "channel_mismatch" | "bad_voucher" | "voucher_over_deposit" | "session_open" | "session_settled" | "leg_not_to_recipient" | "own_transfer" | "escalation_decided" | "escalation_expired" | "wallet_missing" | "endpoint_disabled" | "too_many_endpoints" | "invalid_webhook_url" | "invalid_state" | "invalid_link" | "signin_failed" | "not_a_member" | "issuer_unavailable" | "internal";
            detail: string;
            /** @description The policy's reason, for `payment_denied` and `invalid_policy`. */
            reason?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description What happened; webhook messages and `/v1/events` carry it as `type`.
         * @enum {string}
         */
        EventType: "transfer.created" | "transfer.settled" | "transfer.failed" | "transfer.rejected" | "receipts.settled" | "receipts.failed" | "escalation.required" | "session.opened" | "session.settled" | "policy.updated" | "account.paused" | "account.unpaused" | "reconciliation.difference" | "webhook.disabled";
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    sign_in: {
        parameters: {
            query: {
                /** @description the token `mpppal operator login-link` printed */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description signed in: the session cookie is set */
            303: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_link: unknown, used or expired */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedInSession"];
                };
            };
            /** @description unauthenticated: no live session */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description a dependency is down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_accounts: {
        parameters: {
            query?: {
                /** @description Only accounts with this status (`active` or `paused`). */
                status?: string;
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    create_account: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewAccountBody"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountView"];
                };
            };
            /** @description handle_taken or owner_unfunded */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_account: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    account_balance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Balance"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem; `code` says which */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pause_account: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_policy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replace_policy: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PolicyBody"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    policy_versions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"][];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    sign_receipt: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignReceipt"];
            };
        };
        responses: {
            /** @description already signed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedReceipt"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedReceipt"];
                };
            };
            /** @description not_custodial or receipt_conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payment_denied */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    request_transaction: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransactionRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedTransaction"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AwaitingApproval"];
                };
            };
            /** @description A problem; `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    approved_transaction: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                account_id: string;
                transfer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedTransaction"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description awaiting_approval */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem; `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    unpause_account: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_keys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"][];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    create_key: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewApiKey"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revoke_key: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    audit_log: {
        parameters: {
            query?: {
                /** @description Only rows older than this `seq`. */
                before?: number;
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    verify_audit: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerification"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_escalations: {
        parameters: {
            query?: {
                /** @description `pending`, `approved`, `denied` or `expired`. */
                status?: string;
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EscalationPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_escalation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                escalation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EscalationView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    approve_escalation: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                escalation_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Decision"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EscalationView"];
                };
            };
            /** @description insufficient_scope (approving takes the approve scope) or own_transfer (the caller asked for this transfer) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description escalation_decided or escalation_expired */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deny_escalation: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                escalation_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Decision"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EscalationView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description escalation_decided or escalation_expired */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    events: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a text/event-stream of the operator's events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resolve_handle: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                handle: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandleResolution"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    dead_jobs: {
        parameters: {
            query?: {
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadJobPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replay_job: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the dead job's id, as `GET /v1/jobs/dead` lists it */
                job_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayedJob"];
                };
            };
            /** @description not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    operator: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operator"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    overview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Overview"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_receipts: {
        parameters: {
            query?: {
                accountId?: string;
                /** @description `accepted`, `settling`, `settled`, `rejected` or `expired`. */
                status?: string;
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceiptPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    report_receipts: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReceiptBatch"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceiptResults"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    open_differences: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DifferenceView"][];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_sessions: {
        parameters: {
            query?: {
                accountId?: string;
                /** @description `open` or `settled`. */
                status?: string;
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    open_session: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SessionOpened"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_session: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    close_session: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SessionClosed"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description session_open */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    report_voucher: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VoucherReport"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description session_settled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    spend: {
        parameters: {
            query?: {
                /** @description Start (RFC 3339, included); default: `to` less 7 days. */
                from?: string;
                /** @description End (RFC 3339, excluded); default: now. */
                to?: string;
                /** @description `hour` or `day` (default). */
                bucket?: string;
                /**
                 * @description `account` (default), `provider` (the recipient: an address, or a session's provider
                 *     URL) or `category`.
                 */
                by?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Spend"];
                };
            };
            /** @description invalid_query */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_transfers: {
        parameters: {
            query?: {
                accountId?: string;
                /** @description `pending_approval`, `pending`, `settled`, `rejected` or `failed`. */
                status?: string;
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
                /** @description Made at or after this moment (RFC 3339). */
                from?: string;
                /** @description Made before this moment (RFC 3339). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferPage"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    create_transfer: {
        parameters: {
            query?: never;
            header: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewTransferBody"];
            };
        };
        responses: {
            /** @description pending settlement */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
                };
            };
            /** @description above the escalation threshold: pending_approval */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
                };
            };
            /** @description payment_denied: the policy refused it (recorded as rejected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_transfer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                transfer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_webhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"][];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    create_webhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewWebhook"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    disable_webhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_deliveries: {
        parameters: {
            query?: {
                /** @description 1 to 100; 50 when absent. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPage"];
                };
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    enable_webhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resend_event: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResendBody"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A problem; `code` says which */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description endpoint_disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotate_secret: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency) */
                "Idempotency-Key"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedSecret"];
                };
            };
            /** @description not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other problem (docs/api.md lists every code) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
