namespace Microsoft.ML.Attribution.Methods;

/// <summary>Where a configuration sits in the positive aggregation/propagation study (methods.md §4.2).</summary>
public enum StudyFamily
{
    /// <summary>The plain gradient (and gradient × input): the references the variants are contrasted with.</summary>
    Baseline,

    /// <summary>Methods that aggregate one layer's gradients (Grad-CAM, Grad-CAM++, FullGrad).</summary>
    Aggregation,

    /// <summary>Methods that change what propagates backwards (Guided BP, RectGrad, LRP rules, Excitation BP).</summary>
    Propagation,

    /// <summary>Contrastive LRP (CLRP) and the LRP pass it is built on: claim 16.</summary>
    Contrastive,
}
