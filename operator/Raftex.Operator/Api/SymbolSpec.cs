using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>One tradable symbol: its name and the integer grid prices and quantities live on.</summary>
[Description("A tradable symbol and the grid its prices and quantities live on.")]
public sealed class SymbolSpec
{
    [Required]
    [Description("Symbol name BASE-QUOTE in upper case, e.g. BTC-USD; each asset 2-10 letters or digits.")]
    [RegularExpression("^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$")]
    public string Name { get; set; } = string.Empty;

    [Required]
    [Description("Price increment in quote currency as a positive decimal, e.g. \"0.01\"; prices are whole numbers of ticks.")]
    [RegularExpression(@"^[0-9]{1,12}(\.[0-9]{1,12})?$")]
    public string TickSize { get; set; } = string.Empty;

    [Required]
    [Description("Quantity increment in base currency as a positive decimal, e.g. \"0.0001\"; quantities are whole numbers of lots.")]
    [RegularExpression(@"^[0-9]{1,12}(\.[0-9]{1,12})?$")]
    public string LotSize { get; set; } = string.Empty;
}
