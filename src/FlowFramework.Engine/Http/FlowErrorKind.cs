namespace FlowFramework.Engine
{
    /// <summary>What went wrong talking to the cluster.</summary>
    public enum FlowErrorKind
    {
        /// <summary>The id is empty, blank, too long or a dot segment; no request was sent.</summary>
        InvalidWorkflowId,
        /// <summary>404.</summary>
        NotFound,
        /// <summary>401.</summary>
        Authentication,
        /// <summary>403 (other than the allow_delete answer of a deprovision).</summary>
        Forbidden,
        /// <summary>429.</summary>
        Throttled,
        /// <summary>502, 503, connection refused or reset, DNS failure.</summary>
        Unavailable,
        /// <summary>408, 504, or no answer within the per-request timeout.</summary>
        Timeout,
        /// <summary>A 2xx whose body is not the JSON expected.</summary>
        InvalidResponse,
        /// <summary>400 and other 4xx.</summary>
        BadRequest,
        /// <summary>500 and other 5xx.</summary>
        ServerError,
        /// <summary>The server's certificate is not one the connection's certificate authority bundle vouches for.</summary>
        Tls,
    }
}
