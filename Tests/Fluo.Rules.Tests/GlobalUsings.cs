global using Fluo.Contracts.Traces;
global using Fluo.Rules;
global using Fluo.Rules.Tests.Support;
global using Xunit;
