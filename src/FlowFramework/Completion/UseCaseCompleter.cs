using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace FlowFramework.Completion
{
    /// <summary>Completes -UseCase with the Flow Framework's built-in use cases (<c>POST .../workflow?use_case=NAME</c>).</summary>
    public sealed class UseCaseCompleter : IArgumentCompleter
    {
        /// <summary>The use cases the plugin ships (flow-framework 3.x, DefaultUseCases).</summary>
        internal static readonly string[] BuiltIn =
        {
            "agentic_search_with_conversational_agent",
            "agentic_search_with_flow_agent",
            "bedrock_titan_embedding_model_deploy",
            "bedrock_titan_multimodal_model_deploy",
            "cohere_chat_model_deploy",
            "cohere_embedding_model_deploy",
            "conversational-search-with-bedrock-rag-tool",
            "conversational_search_with_llm_deploy",
            "hybrid_search",
            "hybrid_search_with_local_model",
            "local_neural_sparse_search_bi_encoder",
            "multimodal_search",
            "multimodal_search_with_bedrock_titan",
            "open_ai_embedding_model_deploy",
            "openai_chat_model_deploy",
            "semantic_search",
            "semantic_search_with_cohere_embedding",
            "semantic_search_with_cohere_embedding_query_enricher",
            "semantic_search_with_local_model",
            "semantic_search_with_query_enricher",
            "semantic_search_with_reindex",
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return BuiltIn
                .Where(name => name.StartsWith(word, StringComparison.OrdinalIgnoreCase) || (word.Length > 0 && name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0))
                .OrderBy(name => name.StartsWith(word, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ThenBy(name => name, StringComparer.Ordinal)
                .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, "Built-in use case " + name))
                .ToList();
        }
    }
}
